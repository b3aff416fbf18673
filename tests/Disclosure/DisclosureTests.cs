using System.Globalization;
using System.Text;
using System.Text.Json;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Tests.Api;
using HoSoSucKhoe.Tests.Support;
using HoSoSucKhoe.Warehouse.Snapshots;
using Xunit.Abstractions;

namespace HoSoSucKhoe.Tests.Disclosure;

/// <summary>Tries to read back every suppressed figure of the generated province from the other endpoints and exports,
/// as leadership and as epidemiologist; the commune's own officer still sees its raw figures.</summary>
[Collection("warehouse")]
public sealed class DisclosureTests(WarehouseFixture fixture, ITestOutputHelper output) : IDisposable
{
    readonly ApiFactory api = new(fixture);

    public void Dispose() => api.Dispose();

    static readonly string[] Derived = ["crude", "crudeLo", "crudeHi", "standardised", "standardisedLo", "standardisedHi", "smoothed", "smoothedLo", "smoothedHi", "shrinkage"];
    static readonly string[] AgesChecked = ["18+", "50-69", "70+"];

    List<LoadedSnapshot> Snapshots()
    {
        using var c = fixture.Db.Open();
        return SnapshotCatalog.All(c).Where(s => s.ProvinceCode == api.Province).OrderBy(s => s.AsOf).ToList();
    }

    static bool IsNull(JsonElement row, string name) => row.GetProperty(name).ValueKind == JsonValueKind.Null;
    static long? Long(JsonElement row, string name) => IsNull(row, name) ? null : row.GetProperty(name).GetInt64();

    /// <summary>In a relation total = Σ parts, no hidden part may follow from the others: 0 or ≥ 2 unknowns, and ≥ 2
    /// unknowns not all pinned to 1.</summary>
    /// <param name="ambiguous">Where the rule may hide a zero sibling (priority groups: known-zero cells leave only zeros),
    /// a reader cannot tell "all 1" from "2, 0": such pinned sets go here instead of the errors.</param>
    /// <param name="truth">The raw values of the parts (from the warehouse): a pinned set is a leak only if every hidden
    /// cell really is non-zero — rows hidden for a small denominator can hold a 0, and then "all 1" is one guess of several.</param>
    static void NotIsolated(long? total, IReadOnlyList<long?> parts, string what, List<string> errors, List<string>? ambiguous = null,
        IReadOnlyList<long?>? truth = null)
    {
        if (total is not { } t) return;
        var hidden = parts.Count(p => p is null);
        var rest = t - parts.Sum(p => p ?? 0);
        if (hidden == 1 && rest != 0) errors.Add($"{what}: one hidden cell = {rest}");   // a derived 0 is safe
        var allNonZero = truth is null || parts.Select((p, i) => (p, i)).Where(x => x.p is null).All(x => truth[x.i] is > 0);
        if (hidden >= 2 && rest == hidden && allNonZero) (ambiguous ?? errors).Add($"{what}: {hidden} hidden cells all pinned to 1");
    }

    [Fact]
    public async Task PrevalenceHidesSmallCountsAndEverythingDerivedAndNoTotalGivesOneBack()
    {
        var lead = api.As(ApiFactory.Leadership);
        var errors = new List<string>();
        int primary = 0, rowsHidden = 0, checkedQueries = 0;
        foreach (var s in new[] { Snapshots().First(), Snapshots().Last() })
        foreach (var data in new[] { NcdData.Load(fixture.Db, s) })
        foreach (var m in Measure.All)
        foreach (var ages in AgesChecked)
        {
            var bySex = new Dictionary<string, Dictionary<string, JsonElement>>();
            foreach (var sex in Burden.Sexes)
            {
                var rows = (await lead.JsonAsync($"/api/ncd/prevalence?snapshot={s.SnapshotId}&measure={m.Key}&sex={sex}&ages={ages}"))
                    .GetProperty("rows").EnumerateArray().ToList();
                checkedQueries++;
                bySex[sex] = rows.ToDictionary(r => r.GetProperty("unitCode").GetString()!);
                var what = $"{s.SnapshotId} {m.Key} {sex} {ages}";
                foreach (var r in rows)
                {
                    var cases = Long(r, "cases");
                    if (cases is > 0 and < 5) errors.Add($"{what} {r.GetProperty("unitCode")}: cases {cases} shown");
                    if (r.GetProperty("suppressed").GetBoolean())
                    {
                        rowsHidden++;
                        foreach (var f in Derived.Append("cases").Append("denominator"))
                            if (!IsNull(r, f)) errors.Add($"{what} {r.GetProperty("unitCode")}: {f} shown beside hidden counts");
                    }
                    // The smoothed value and shrinkage give the raw rate back: never one without the other's raw.
                    if (!IsNull(r, "shrinkage") && r.GetProperty("shrinkage").GetDouble() < 1 && IsNull(r, "standardised") && IsNull(r, "crude"))
                        errors.Add($"{what} {r.GetProperty("unitCode")}: shrinkage without a published raw value");
                }
                var province = rows[0];
                var communes = rows.Skip(1).ToList();
                primary += communes.Count(r => r.GetProperty("suppressed").GetBoolean());
                var raw = data.Prevalence(m, sex, AgeStandard.Group(ages)).ToDictionary(r => r.UnitCode, r => (long?)r.Cases);
                NotIsolated(Long(province, "cases"), communes.Select(r => Long(r, "cases")).ToList(), $"{what} province − communes", errors,
                    truth: communes.Select(r => raw[r.GetProperty("unitCode").GetString()!]).ToList());
            }
            foreach (var code in bySex["all"].Keys)
                NotIsolated(Long(bySex["all"][code], "cases"), [Long(bySex["male"][code], "cases"), Long(bySex["female"][code], "cases")],
                    $"{s.SnapshotId} {m.Key} {ages} {code} all − male − female", errors);
        }
        output.WriteLine($"{checkedQueries} queries, {rowsHidden} hidden rows");
        Assert.True(rowsHidden > 0, "the generated province must have suppressed cells, or this test checks nothing");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task NoAgeGroupGivesBackAHiddenBandAndStandardisedRatesHideWithAnyHiddenBand()
    {
        var lead = api.As(ApiFactory.Leadership);
        var s = Snapshots().Last();
        var errors = new List<string>();
        var m = "htn_screened";
        var data = NcdData.Load(fixture.Db, s);
        foreach (var sex in Burden.Sexes)
        {
            var raw = AgeStandard.Groups.ToDictionary(g => g.Label,
                g => data.Prevalence(Measure.Find(m)!, sex, g).ToDictionary(r => r.UnitCode, r => (long?)r.Cases));
            var byGroup = new Dictionary<string, Dictionary<string, JsonElement>>();
            foreach (var g in AgeStandard.Groups)
                byGroup[g.Label] = (await lead.JsonAsync($"/api/ncd/prevalence?snapshot={s.SnapshotId}&measure={m}&sex={sex}&ages={g.Label}"))
                    .GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("unitCode").GetString()!);
            var bands = AgeStandard.Groups.Where(g => g.Scheme == "5y").ToList();
            foreach (var code in byGroup["18+"].Keys)
            {
                long? C(AgeGroup g) => Long(byGroup[g.Label][code], "cases");
                long? T(AgeGroup g) => raw[g.Label][code];
                var steps = AgeStandard.Groups.Where(g => g.Scheme == "steps").ToList();
                NotIsolated(C(AgeStandard.Group("18+")), bands.Select(C).ToList(), $"{code} {sex} 18+ − bands", errors, truth: bands.Select(T).ToList());
                NotIsolated(C(AgeStandard.Group("18+")), steps.Select(C).ToList(), $"{code} {sex} 18+ − STEPS", errors, truth: steps.Select(T).ToList());
                foreach (var st in AgeStandard.Groups.Where(g => g.Scheme == "steps" || g.Label == "18+"))
                {
                    var inside = bands.Where(b => st.Bands.Contains(b.Bands[0])).ToList();
                    NotIsolated(C(st), inside.Select(C).ToList(), $"{code} {sex} {st.Label} − bands", errors, truth: inside.Select(T).ToList());
                    var anyBandHidden = bands.Where(b => st.Bands.Contains(b.Bands[0])).Any(b => C(b) is null);
                    if (anyBandHidden && !IsNull(byGroup[st.Label][code], "standardised"))
                        errors.Add($"{code} {sex} {st.Label}: standardised rate shown over a hidden band");
                }
            }
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task ClustersShowNoCommuneValueOrMeanThatIsNotPublishedElsewhereInJsonOrCsv()
    {
        var lead = api.As(ApiFactory.Leadership);
        var s = Snapshots().Last();
        var q = $"snapshot={s.SnapshotId}";
        var clusters = await lead.JsonAsync($"/api/ncd/clusters?{q}");
        async Task<Dictionary<string, JsonElement>> Prevalence(string measure) =>
            (await lead.JsonAsync($"/api/ncd/prevalence?{q}&measure={measure}")).GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("unitCode").GetString()!);
        var htn = await Prevalence("htn_screened");
        var dm = await Prevalence("dm_screened");
        var ob = await Prevalence("obesity");
        var cascade = (await lead.JsonAsync($"/api/ncd/cascade?{q}")).GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("unitCode").GetString()!);
        double? Share(string code, string cascadeName, string step) =>
            cascade[code].GetProperty(cascadeName).EnumerateArray().Single(x => x.GetProperty("key").GetString() == step) is var x && !IsNull(x, "share") ? x.GetProperty("share").GetDouble() : null;

        var errors = new List<string>();
        var shown = new Dictionary<string, Dictionary<string, double>>();
        int hidden = 0;
        foreach (var c in clusters.GetProperty("communes").EnumerateArray())
        {
            var code = c.GetProperty("unitCode").GetString()!;
            if (IsNull(c, "values")) { if (c.GetProperty("reason").GetString() == Clusters.HiddenReason) hidden++; continue; }
            var v = c.GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            shown[code] = v;
            (string Key, double? Published)[] expected =
            [
                ("htn_asr", IsNull(htn[code], "standardised") ? null : htn[code].GetProperty("standardised").GetDouble()),
                ("dm_asr", IsNull(dm[code], "standardised") ? null : dm[code].GetProperty("standardised").GetDouble()),
                ("obesity_asr", IsNull(ob[code], "standardised") ? null : ob[code].GetProperty("standardised").GetDouble()),
                ("screened", Share(code, "hypertension", "screened")), ("htn_diagnosed", Share(code, "hypertension", "diagnosed")),
                ("htn_treated", Share(code, "hypertension", "treated")), ("htn_controlled", Share(code, "hypertension", "controlled")),
                ("dm_diagnosed", Share(code, "diabetes", "diagnosed")),
            ];
            foreach (var (key, published) in expected)
                if (published is not { } p || Math.Abs(p - v[key]) > 1e-9) errors.Add($"{code} {key}: cluster value {v[key]} not the published {published}");
        }
        foreach (var f in clusters.GetProperty("features").EnumerateArray())
        {
            var key = f.GetProperty("key").GetString()!;
            if (shown.Count > 0 && Math.Abs(shown.Values.Average(v => v[key]) - f.GetProperty("provinceMean").GetDouble()) > 1e-9)
                errors.Add($"feature {key}: province mean is not the mean of the published communes");
        }
        foreach (var p in clusters.GetProperty("clusters").EnumerateArray())
        {
            var members = clusters.GetProperty("communes").EnumerateArray()
                .Where(c => !IsNull(c, "cluster") && c.GetProperty("cluster").GetInt32() == p.GetProperty("cluster").GetInt32()).Select(c => c.GetProperty("unitCode").GetString()!).ToList();
            Assert.Equal(members.Count, p.GetProperty("publishedCommunes").GetInt32());
            foreach (var mv in p.GetProperty("meanValues").EnumerateObject())
                if (Math.Abs(members.Average(code => shown[code][mv.Name]) - mv.Value.GetDouble()) > 1e-9)
                    errors.Add($"cluster {p.GetProperty("cluster")} {mv.Name}: mean includes an unpublished commune");
        }

        var csv = Csv(await lead.GetStringAsync($"/api/ncd/clusters?{q}&format=csv"));
        foreach (var row in csv.Rows)
        {
            var code = row[csv.Column("unitCode")];
            foreach (var f in new[] { "htn_asr", "dm_asr", "obesity_asr", "screened", "htn_diagnosed", "htn_treated", "htn_controlled", "dm_diagnosed" })
            {
                var cell = row[csv.Column(f)];
                if (!shown.TryGetValue(code, out var v)) { if (cell != "") errors.Add($"csv {code} {f}: {cell} for a commune without values"); }
                else if (Math.Abs(double.Parse(cell, CultureInfo.InvariantCulture) - v[f]) > 1e-9) errors.Add($"csv {code} {f}: {cell} ≠ JSON");
            }
        }
        output.WriteLine($"{shown.Count} communes with values, {hidden} hidden for a suppressed input");
        Assert.True(hidden > 0);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    static readonly (string Step, string Denominator)[] DenominatorSteps =
        [("diagnosed", "affected"), ("treated", "diagnosed"), ("controlled", "treated"), ("controlled_of_affected", "affected")];

    [Fact]
    public async Task ClusterFeatureScalesAreNotMadeUpWhenTooFewCommunesArePublished()
    {
        var body = await api.As(ApiFactory.Epidemiologist).JsonAsync("/api/ncd/clusters");
        var published = body.GetProperty("communes").EnumerateArray().Count(c => c.GetProperty("values").ValueKind == JsonValueKind.Object);
        foreach (var f in body.GetProperty("features").EnumerateArray())
        {
            // A mean of 0 and an SD of 1 would read as real province figures; with fewer than two published communes
            // there are none to show.
            Assert.Equal(published < 2, IsNull(f, "provinceMean"));
            Assert.Equal(published < 2, IsNull(f, "provinceSd"));
        }
    }

    [Fact]
    public async Task CascadeStepsNeitherShowAHiddenCountAsADenominatorOrShareNorGiveItBackFromTheProvinceInJsonOrCsv()
    {
        var epi = api.As(ApiFactory.Epidemiologist);
        var errors = new List<string>();
        int hiddenSteps = 0;
        foreach (var s in Snapshots())
        {
            var q = $"snapshot={s.SnapshotId}";
            var rows = (await epi.JsonAsync($"/api/ncd/cascade?{q}")).GetProperty("rows").EnumerateArray().ToList();
            var csv = Csv(await epi.GetStringAsync($"/api/ncd/cascade?{q}&format=csv"));
            var csvCells = csv.Rows.ToDictionary(r => (r[csv.Column("unitCode")], r[csv.Column("cascade")], r[csv.Column("step")]));
            foreach (var cascadeName in new[] { "hypertension", "diabetes", "programme" })
            {
                var steps = rows[0].GetProperty(cascadeName).EnumerateArray().Select(x => x.GetProperty("key").GetString()!).ToList();
                foreach (var step in steps)
                {
                    long? Count(JsonElement row) => Long(row.GetProperty(cascadeName).EnumerateArray().Single(x => x.GetProperty("key").GetString() == step), "count");
                    NotIsolated(Count(rows[0]), rows.Skip(1).Select(Count).ToList(), $"{s.SnapshotId} {cascadeName} {step} province − communes", errors);
                }
                foreach (var row in rows)
                {
                    var code = row.GetProperty("unitCode").GetString()!;
                    var byKey = row.GetProperty(cascadeName).EnumerateArray().ToDictionary(x => x.GetProperty("key").GetString()!);
                    foreach (var (key, x) in byKey)
                    {
                        var count = Long(x, "count");
                        if (count is null) hiddenSteps++;
                        if (count is > 0 and < 5 && key is not ("adults" or "screened")) errors.Add($"{code} {cascadeName} {key}: count {count}");
                        if (count is null && !IsNull(x, "share")) errors.Add($"{code} {cascadeName} {key}: share of a hidden count");
                        if (!IsNull(x, "share") && IsNull(x, "denominator")) errors.Add($"{code} {cascadeName} {key}: share over a hidden denominator");
                        var c = csvCells[(code, cascadeName, key)];
                        foreach (var f in new[] { "count", "denominator", "share" })
                            if ((c[csv.Column(f)] == "") != IsNull(x, f)) errors.Add($"csv {code} {cascadeName} {key} {f} differs from JSON");
                    }
                    var denominators = cascadeName == "programme"
                        ? byKey.Keys.Where(k => k != "patients").Select(k => (Step: k, Denominator: "patients")).ToArray()
                        : DenominatorSteps;
                    foreach (var (step, denominator) in denominators)
                        if (Long(byKey[denominator], "count") is null && !IsNull(byKey[step], "denominator"))
                            errors.Add($"{code} {cascadeName} {step}: denominator shows the hidden {denominator}");
                    if (cascadeName == "programme")
                        NotIsolated(Long(byKey["patients"], "count"), byKey.Keys.Where(k => k != "patients").Select(k => Long(byKey[k], "count")).ToList(),
                            $"{code} programme patients − statuses", errors);
                }
            }
        }
        output.WriteLine($"{hiddenSteps} hidden steps");
        Assert.True(hiddenSteps > 0);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task PrevalenceCsvCarriesNothingMoreThanTheJsonAndEpidemiologistSeesWhatLeadershipSees()
    {
        var s = Snapshots().Last();
        var errors = new List<string>();
        foreach (var (measure, sex, ages) in new[] { ("dm_adults", "all", "18+"), ("htn_screened", "female", "50-69"), ("obesity", "male", "30-34") })
        {
            var url = $"/api/ncd/prevalence?snapshot={s.SnapshotId}&measure={measure}&sex={sex}&ages={ages}";
            var json = await api.As(ApiFactory.Leadership).JsonAsync(url);
            Assert.Equal(json.GetProperty("rows").GetRawText(), (await api.As(ApiFactory.Epidemiologist).JsonAsync(url)).GetProperty("rows").GetRawText());
            var csv = Csv(await api.As(ApiFactory.Epidemiologist).GetStringAsync(url + "&format=csv"));
            var rows = json.GetProperty("rows").EnumerateArray().ToList();
            Assert.Equal(rows.Count, csv.Rows.Count);
            for (var i = 0; i < rows.Count; i++)
                foreach (var p in rows[i].EnumerateObject())
                    if ((csv.Rows[i][csv.Column(p.Name)] == "") != (p.Value.ValueKind == JsonValueKind.Null))
                        errors.Add($"{measure} row {i} {p.Name}: CSV '{csv.Rows[i][csv.Column(p.Name)]}' vs JSON {p.Value}");
        }
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task PriorityGroupOneBelowFiftyIsSuppressedPerAgeBandAndSexAndCannotBeRebuiltFromTheTotals()
    {
        var lead = api.As(ApiFactory.Leadership);
        var s = Snapshots().Last();
        var communes = (await lead.JsonAsync($"/api/ncd/cascade?snapshot={s.SnapshotId}")).GetProperty("rows").EnumerateArray()
            .Select(r => r.GetProperty("unitCode").GetString()!).ToList();   // the province first
        var errors = new List<string>();
        var ambiguous = new List<string>();
        int hidden = 0;
        foreach (var code in communes)
        {
            var report = await lead.JsonAsync($"/api/coverage/units/{code}/priority-groups?snapshot={s.SnapshotId}");
            var ageSex = report.GetProperty("ageSex").EnumerateArray().ToList();
            var groups = report.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetInt32());
            foreach (var row in ageSex)
            {
                var band = row.GetProperty("ageBand").ValueKind == JsonValueKind.Null ? null : row.GetProperty("ageBand").GetString();
                var lo = band is null ? -1 : int.Parse(band.Split('-', '+')[0], CultureInfo.InvariantCulture);
                var g1 = Long(row, "priorityGroup1");
                if (g1 is null) hidden++;
                if (lo < 50 && g1 is > 0 and < 5) errors.Add($"{code} {band} sex {row.GetProperty("sex")}: priority group 1 = {g1}");
                NotIsolated(row.GetProperty("recordsLinked").GetInt64(),
                    [g1, Long(row, "priorityGroup2"), Long(row, "priorityGroup3")], $"{code} {band}/{row.GetProperty("sex")} records − groups", errors, ambiguous);
            }
            foreach (var (g, group) in groups)
            {
                var records = Long(group, "records");
                if (g == 1 && records is > 0 and < 5) errors.Add($"{code}: group 1 records {records}");
                if (records is null && !IsNull(group, "sharePct")) errors.Add($"{code}: share of hidden group {g}");
                NotIsolated(records, ageSex.Select(r => Long(r, $"priorityGroup{g}")).ToList(), $"{code} group {g} − age/sex cells", errors, ambiguous);
            }
            NotIsolated(report.GetProperty("recordsLinked").GetInt64(), groups.Values.Select(g => Long(g, "records")).ToList(), $"{code} records − groups", errors);
        }
        output.WriteLine($"{communes.Count} units, {hidden} hidden group-1 cells; {ambiguous.Count} relations with ≥ 2 hidden cells summing to their number " +
                         "(not recoverable: the rule hides a zero sibling when no non-zero one is left):");
        foreach (var a in ambiguous) output.WriteLine("  " + a);
        Assert.True(hidden > 0);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
    }

    [Fact]
    public async Task TheCommunesOwnOfficerStillSeesItsUnsuppressedFigures()
    {
        var officer = api.As(ApiFactory.OfficerA);
        var s = Snapshots().Last();
        var data = NcdData.Load(fixture.Db, s);
        var small = 0;
        foreach (var m in Measure.All)
        foreach (var ages in AgesChecked)
        {
            var raw = data.Prevalence(m, "all", AgeStandard.Group(ages)).Single(r => r.UnitCode == api.CommuneA);
            var row = (await officer.JsonAsync($"/api/ncd/prevalence?measure={m.Key}&ages={ages}")).GetProperty("rows").EnumerateArray().Single();
            Assert.False(row.GetProperty("suppressed").GetBoolean());
            Assert.Equal(raw.Cases, Long(row, "cases"));
            Assert.Equal(raw.Shrinkage is null, IsNull(row, "shrinkage"));
            Assert.Equal(raw.Standardised is null, IsNull(row, "standardised"));
            if (raw.Cases is > 0 and < 5) small++;
        }
        var cascade = (await officer.JsonAsync("/api/ncd/cascade")).GetProperty("rows")[0];
        Assert.All(cascade.GetProperty("diabetes").EnumerateArray(), x => Assert.False(IsNull(x, "count")));
        var groups = await officer.JsonAsync($"/api/coverage/units/{api.CommuneA}/priority-groups");
        Assert.All(groups.GetProperty("ageSex").EnumerateArray(), r => Assert.False(IsNull(r, "priorityGroup1")));
        output.WriteLine($"{small} small counts of commune A seen by its officer");
        Assert.True(small > 0, "commune A must have small counts for this test to show they are not suppressed for its officer");
    }

    sealed record CsvTable(List<string> Header, List<string[]> Rows)
    {
        public int Column(string name) => Header.IndexOf(name) is var i and >= 0 ? i : throw new KeyNotFoundException(name);
    }

    /// <summary>RFC 4180 reading (quoted fields may hold commas and quotes).</summary>
    static CsvTable Csv(string text)
    {
        var rows = new List<string[]>();
        var field = new StringBuilder();
        var row = new List<string>();
        var quoted = false;
        text = text.TrimStart('\uFEFF');
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (ch == '\n') { row.Add(field.ToString().TrimEnd('\r')); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(ch);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return new CsvTable([.. rows[0]], rows.Skip(1).ToList());
    }
}
