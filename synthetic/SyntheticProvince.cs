using System.Globalization;
using System.Text.Json;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Generates a realistic synthetic province: monthly hssk-snapshot/1 folders, the population.csv denominators and
/// truth.json (the expected warehouse figures, computed from the written rows by docs/definitions.md).
/// Deterministic for a seed: every commune, person, record and visit draws from its own derived generator.
/// </summary>
public static class SyntheticProvince
{
    /// <summary>
    /// Writes one snapshot folder per month (as_of = last day of each month from From's month to To's month) under
    /// OutDir, named by snapshot_id, plus OutDir/truth.json and OutDir/population.csv. Returns the snapshot folders
    /// in as_of order.
    /// </summary>
    public static IReadOnlyList<string> Generate(GeneratorOptions options, IProgress<string> progress) =>
        Generate(options, ProgressUpdate.TextOnly(progress));

    /// <inheritdoc cref="Generate(GeneratorOptions, IProgress{string})"/>
    /// <remarks>Progress fractions count each snapshot as an equal share, by records written.</remarks>
    public static IReadOnlyList<string> Generate(GeneratorOptions options, IProgress<ProgressUpdate>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reference = ReferenceData.Load();
        options.Validate(reference);
        var rates = GeneratorRates.Default;
        var frame = ProvinceFrame.Build(reference, options.ProvinceCode);
        var profiles = CommuneProfile.Draw(frame, options.Seed, rates);
        var legacyProvinces = reference.Units
            .Where(u => u.CodeSystem == ReferenceData.SystemLegacy && u.Level == "province")
            .Select(u => byte.Parse(u.Code, CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
        var population = SimulatedPopulation.Build(frame, profiles, options.Scale, rates, legacyProvinces, progress);

        Directory.CreateDirectory(options.OutDir);
        var denominators = Denominators.Build(population, frame, options.From.Year);
        denominators.WriteCsv(Path.Combine(options.OutDir, "population.csv"), frame);

        var folders = new List<string>();
        var truths = new List<SnapshotTruth>();
        var dates = options.SnapshotDates();
        foreach (var asOf in dates)
        {
            var ctx = SnapshotContext.Create(reference, population, frame, profiles, rates, asOf);
            var (folder, truth) = WriteSnapshot(ctx, options.OutDir, options.Seed, ProgressUpdate.Part(progress, folders.Count, dates.Count));
            folders.Add(folder);
            truths.Add(truth);
        }
        new TruthWriter(frame, denominators).Write(
            Path.Combine(options.OutDir, "truth.json"), json => Parameters(json, options, rates, population), truths);
        progress?.Report(new ProgressUpdate(string.Create(VietnameseText.Culture, $"Xong: {folders.Count} ảnh chụp trong {options.OutDir}"), 1));
        return folders;
    }

    static (string Folder, SnapshotTruth Truth) WriteSnapshot(SnapshotContext ctx, string outDir, int seed, IProgress<ProgressUpdate>? progress)
    {
        var pop = ctx.Population;
        var communes = ctx.Frame.Communes.Length;
        var wards = new WardTally[ctx.Wards.Length];
        for (var w = 0; w < wards.Length; w++) wards[w] = new WardTally();
        long unknown = 0;
        var total = pop.Records.Count(r => r.Created <= ctx.Day);
        long done = 0;

        using var writer = new SnapshotWriter(outDir, ctx.SnapshotId);
        // Communes are produced a window at a time in parallel and written in commune order; the next window is
        // produced while the current one is written.
        var window = Math.Max(4, Environment.ProcessorCount * 2);
        CommuneOutput[] Produce(int start) =>
            Enumerable.Range(start, Math.Min(window, communes - start)).AsParallel().AsOrdered()
                .Select(c => SnapshotProducer.Produce(ctx, c)).ToArray();
        var next = Task.Run(() => Produce(0));
        for (var start = 0; start < communes; start += window)
        {
            var current = next.GetAwaiter().GetResult();
            if (start + window < communes)
            {
                var following = start + window;
                next = Task.Run(() => Produce(following));
            }
            foreach (var output in current)
            {
                writer.Write(output);
                foreach (var (ward, tally) in output.Wards) wards[ward].Merge(tally);
                unknown += output.UnknownWardRecords;
                done += output.Persons.TotalRows;
            }
            progress?.Report(new ProgressUpdate(string.Create(VietnameseText.Culture, $"Đang tạo ảnh chụp {ctx.SnapshotId}: {done:N0}/{total:N0} hồ sơ"),
                total == 0 ? 1 : (double)done / total));
        }
        var (folder, rows) = writer.Finish(ctx.SnapshotId, ctx.ProvinceCode, ctx.AsOf, ctx.CodeSystem,
            $"HoSoSucKhoe synthetic generator seed {seed}");
        return (folder, new SnapshotTruth
        {
            SnapshotId = ctx.SnapshotId,
            AsOf = ctx.AsOf,
            Legacy = ctx.Legacy,
            ProvinceCode = ctx.ProvinceCode,
            Rows = rows,
            Wards = wards,
            WardKnown = ctx.WardKnown,
            UnknownWardRecords = unknown,
        });
    }

    static void Parameters(Utf8JsonWriter json, GeneratorOptions options, GeneratorRates rates, SimulatedPopulation population)
    {
        json.WriteStartObject();
        json.WriteString("province_code", options.ProvinceCode);
        json.WriteNumber("scale", options.Scale);
        json.WriteNumber("seed", options.Seed);
        json.WriteString("from", options.From.ToString("yyyy-MM"));
        json.WriteString("to", options.To.ToString("yyyy-MM"));
        json.WritePropertyName("rates");
        JsonSerializer.Serialize(json, rates, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        json.WriteString("legacy_province_code", population.LegacyProvinceCode);
        json.WriteNumber("persons_simulated", population.Persons.Length);
        json.WriteNumber("permanent_residents", population.Persons.Count(p => p.Residence == 1));
        json.WriteStartObject("ingredient_atc");
        foreach (var (ingredient, atc) in DrugCatalog.IngredientAtc.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(ingredient, atc);
        json.WriteEndObject();
        json.WriteStartArray("unknown_ward_codes");
        foreach (var code in ProvinceFrame.UnknownWardCodes) json.WriteStringValue(code);
        json.WriteEndArray();
        json.WriteStartArray("conventions");
        foreach (var line in TruthConventions.Lines) json.WriteStringValue(line);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
