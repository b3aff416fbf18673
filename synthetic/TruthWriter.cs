using System.Text.Json;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Synthetic;

/// <summary>Writes truth.json (format hssk-truth/1); keys in a fixed order so equal inputs give equal bytes.</summary>
internal sealed class TruthWriter(ProvinceFrame frame, Denominators denominators)
{
    static readonly string[] CountNames =
    [
        "records_linked", "examined", "managed", "deceased", "records_all", "duplicate_citizen", "probable_duplicate",
        "missing_citizen_adult", "malformed_citizen", "missing_insurance", "missing_phone", "visit_after_death",
        "implausible_encounters", "unparseable_labs", "priority_group1", "priority_group2", "priority_group3",
        "complete_all", "complete_administrative", "complete_immunisation", "complete_history_allergy",
        "complete_anthropometrics", "complete_blood_group", "complete_underlying_conditions",
        "permanent_records", "permanent_updated", "visitors", "visitors_complete",
    ];

    static readonly string[] CascadeNames = ["screened", "raised", "hypertensive", "diagnosed", "treated", "controlled"];

    public void Write(string path, Action<Utf8JsonWriter> parameters, IReadOnlyList<SnapshotTruth> snapshots)
    {
        var temp = path + ".partial";
        using (var stream = File.Create(temp))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", "hssk-truth/1");
            json.WritePropertyName("parameters");
            parameters(json);
            json.WriteStartArray("snapshots");
            foreach (var s in snapshots) Snapshot(json, s, s == snapshots[^1]);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        File.Move(temp, path, overwrite: true);
    }

    void Snapshot(Utf8JsonWriter json, SnapshotTruth s, bool last)
    {
        var wards = s.Legacy ? frame.LegacyCommunes : frame.Communes;
        json.WriteStartObject();
        json.WriteString("snapshot_id", s.SnapshotId);
        json.WriteString("as_of", s.AsOf.ToString("yyyy-MM-dd"));
        json.WriteString("admin_codes", s.Legacy ? ReferenceData.SystemLegacy : ReferenceData.System2025);
        json.WriteString("province_code", s.ProvinceCode);
        json.WriteStartObject("rows");
        string[] tables = ["persons", "encounters", "labs", "medications"];
        for (var i = 0; i < 4; i++) json.WriteNumber(tables[i], s.Rows[i]);
        json.WriteEndObject();

        var known = Enumerable.Range(0, wards.Length).Where(w => s.WardKnown[w]).OrderBy(w => wards[w], StringComparer.Ordinal).ToArray();
        var population = known.ToDictionary(w => w, w => denominators.For(s.Legacy, w, s.AsOf));

        json.WriteStartObject("communes");
        foreach (var w in known) Counts(json, wards[w], population[w], s.Wards[w]);
        json.WriteEndObject();

        if (s.Legacy)
        {
            json.WriteStartObject("districts");
            foreach (var district in known.GroupBy(w => frame.LegacyDistrict[w]).OrderBy(g => g.Key, StringComparer.Ordinal))
                Counts(json, district.Key, SumPopulation(district, population), Sum(district.Select(w => s.Wards[w])));
            json.WriteEndObject();
        }
        Counts(json, "province", SumPopulation(known, population), Sum(known.Select(w => s.Wards[w])));
        json.WriteNumber("unknown_ward_records", s.UnknownWardRecords);

        json.WriteStartObject("ncd");
        WriteNcd(json, "province", Sum(known.Select(w => s.Wards[w])));
        json.WriteStartObject("communes");
        foreach (var w in known) WriteNcd(json, wards[w], s.Wards[w]);
        json.WriteEndObject();
        json.WriteEndObject();
        Programme(json, s, wards, known, last);
        json.WriteEndObject();
    }

    /// <summary>"programme": per disease, the monthly statuses (every snapshot: its own month; the last snapshot: all
    /// 18 months of its history) and, for the last snapshot, the registration cohorts; communes with a non-zero count.</summary>
    static void Programme(Utf8JsonWriter json, SnapshotTruth s, string[] wards, int[] known, bool last)
    {
        var province = Sum(known.Select(w => s.Wards[w]));
        var own = new DateOnly(s.AsOf.Year, s.AsOf.Month, 1);
        var quarter = new DateOnly(s.AsOf.Year, (s.AsOf.Month - 1) / 3 * 3 + 1, 1);
        json.WriteStartObject("programme");
        string[] diseases = ["htn", "dm"];
        for (var d = 0; d < 2; d++)
        {
            json.WriteStartObject(diseases[d]);
            json.WriteNumber("returned_after_loss", province.Programme[ProgrammeTruth.MonthIndex(d, 0, ProgrammeTruth.Returned)]);
            json.WriteNumber("moved_commune", province.Programme[ProgrammeTruth.MonthIndex(d, 0, ProgrammeTruth.Moved)]);
            json.WriteStartObject("months");
            for (var k = last ? ProgrammeTruth.Months - 1 : 0; k >= 0; k--)
            {
                json.WriteStartObject(own.AddMonths(-k).ToString("yyyy-MM"));
                MonthCounts(json, "province", province, d, k);
                json.WriteStartObject("communes");
                foreach (var w in known)
                    if (Enumerable.Range(0, ProgrammeTruth.MonthNames.Length).Any(i => s.Wards[w].Programme[ProgrammeTruth.MonthIndex(d, k, i)] != 0))
                        MonthCounts(json, wards[w], s.Wards[w], d, k);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteStartObject("cohorts");
            for (var q = ProgrammeTruth.Quarters - 1; last && q >= 1; q--)
            {
                if (province.Cohort[ProgrammeTruth.CohortIndex(d, q, 0)] == 0) continue;
                json.WriteStartObject(quarter.AddMonths(-3 * q).ToString("yyyy-MM-dd"));
                CohortCounts(json, "province", province, d, q);
                json.WriteStartObject("communes");
                foreach (var w in known)
                    if (s.Wards[w].Cohort[ProgrammeTruth.CohortIndex(d, q, 0)] != 0) CohortCounts(json, wards[w], s.Wards[w], d, q);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    static void MonthCounts(Utf8JsonWriter json, string name, WardTally t, int d, int k)
    {
        json.WriteStartObject(name);
        for (var i = 0; i < ProgrammeTruth.MonthNames.Length; i++) json.WriteNumber(ProgrammeTruth.MonthNames[i], t.Programme[ProgrammeTruth.MonthIndex(d, k, i)]);
        json.WriteEndObject();
    }

    static void CohortCounts(Utf8JsonWriter json, string name, WardTally t, int d, int q)
    {
        json.WriteStartObject(name);
        for (var i = 0; i < ProgrammeTruth.CohortNames.Length; i++) json.WriteNumber(ProgrammeTruth.CohortNames[i], t.Cohort[ProgrammeTruth.CohortIndex(d, q, i)]);
        json.WriteEndObject();
    }

    static long? SumPopulation(IEnumerable<int> wards, Dictionary<int, long?> population)
    {
        long? total = null;
        foreach (var w in wards)
            if (population[w] is { } p) total = (total ?? 0) + p;
        return total;
    }

    static WardTally Sum(IEnumerable<WardTally> tallies)
    {
        var total = new WardTally();
        foreach (var t in tallies) total.Merge(t);
        return total;
    }

    static void Counts(Utf8JsonWriter json, string name, long? population, WardTally t)
    {
        json.WriteStartObject(name);
        if (population is { } p) json.WriteNumber("population", p); else json.WriteNull("population");
        for (var i = 0; i < CountNames.Length; i++) json.WriteNumber(CountNames[i], t.Counts[i]);
        json.WriteEndObject();
    }

    static void WriteNcd(Utf8JsonWriter json, string name, WardTally t)
    {
        json.WriteStartObject(name);
        json.WriteNumber("adults", t[Ncd.Adults]);
        Cascade(json, "htn", t, Ncd.HtnScreened);
        Cascade(json, "dm", t, Ncd.DmScreened);
        json.WriteStartObject("latent");
        json.WriteNumber("htn_adults", t[Ncd.LatentHtnAdults]);
        json.WriteNumber("dm_adults", t[Ncd.LatentDmAdults]);
        json.WriteNumber("htn_screened", t[Ncd.LatentHtnScreened]);
        json.WriteNumber("dm_screened", t[Ncd.LatentDmScreened]);
        json.WriteEndObject();
        json.WriteStartObject("bands");
        for (var band = AgeBands.FirstAdult; band < AgeBands.Count; band++)
        {
            json.WriteStartObject(AgeBands.Label(band));
            for (var sex = 1; sex <= 2; sex++)
            {
                json.WriteStartObject(sex.ToString());
                json.WriteNumber("adults", t.Band(band, sex, BandCount.Adults));
                json.WriteNumber("htn_screened_n", t.Band(band, sex, BandCount.HtnScreenedN));
                json.WriteNumber("htn_latent_screened", t.Band(band, sex, BandCount.HtnLatentScreened));
                json.WriteNumber("htn_latent", t.Band(band, sex, BandCount.HtnLatent));
                json.WriteNumber("dm_screened_n", t.Band(band, sex, BandCount.DmScreenedN));
                json.WriteNumber("dm_latent_screened", t.Band(band, sex, BandCount.DmLatentScreened));
                json.WriteNumber("dm_latent", t.Band(band, sex, BandCount.DmLatent));
                json.WriteNumber("htn_p", NcdRisk.Hypertension(band, (byte)sex));
                json.WriteNumber("dm_p", NcdRisk.Diabetes(band, (byte)sex));
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static void Cascade(Utf8JsonWriter json, string name, WardTally t, Ncd first)
    {
        json.WriteStartObject(name);
        for (var i = 0; i < CascadeNames.Length; i++) json.WriteNumber(CascadeNames[i], t[first + i]);
        json.WriteEndObject();
    }
}
