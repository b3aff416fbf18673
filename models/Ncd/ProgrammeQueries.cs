using System.Collections.Concurrent;
using System.Data;
using Dapper;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Warehouse;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;

namespace HoSoSucKhoe.Models.Ncd;

/// <summary>
/// The programme indicators (docs/models.md, "Programme indicators over time") relative to a snapshot: one month,
/// the 18-month trend, the registration cohorts. Reads the precomputed ncd_prog_month / ncd_prog_cohort rows; each
/// snapshot's assembled series and its suppression pattern are kept until <see cref="Forget"/> (a load).
/// One suppression pattern per (snapshot, disease) covers every month, unit and both denominators, so the month
/// table, the trend and the CSV hide the same cells.
/// </summary>
public sealed class ProgrammeQueries(WarehouseDb db)
{
    /// <summary>Months in a trend.</summary>
    public const int TrendMonths = ProgrammeSql.Months;

    readonly ConcurrentDictionary<(string Key, string Disease), Lazy<Series>> cache = new();

    /// <summary>Drops every assembled series (they are also keyed by the computation stamps of the snapshots they read,
    /// so a load or replace is never served stale).</summary>
    public void Forget() => cache.Clear();

    /// <summary>The indicators of one month (default: the month of <paramref name="latest"/>'s as_of), province first then
    /// communes, or only <paramref name="unit"/>. <paramref name="sources"/>: the snapshots that may supply a month
    /// (those the caller may see; others than <paramref name="latest"/>'s province and code-system footprint are ignored).</summary>
    /// <exception cref="ProgrammeParameterException">Unknown disease, or a month outside the 18 months before as_of.</exception>
    public ProgrammeTable Month(LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources, string disease, string? unit = null,
        DateOnly? month = null, bool includeLost = false, Audience? audience = null)
    {
        var s = Get(latest, sources, disease);
        var m = month is { } x ? new DateOnly(x.Year, x.Month, 1) : s.Months[^1];
        var index = s.Months.IndexOf(m);
        if (index < 0)
            throw new ProgrammeParameterException(
                $"Tham số month: tháng {m:MM/yyyy} nằm ngoài {TrendMonths} tháng tính đến ảnh chụp {latest.SnapshotId} ({s.Months[0]:MM/yyyy}–{s.Months[^1]:MM/yyyy}).");
        return new ProgrammeTable(disease, ProgrammeDiseases.Name(disease), m, includeLost, latest.SnapshotId, latest.AsOf,
            s.Rows(index, unit, includeLost, audience ?? Audience.Public));
    }

    /// <summary>The <see cref="TrendMonths"/> months ending with the month of <paramref name="latest"/>'s as_of.</summary>
    /// <exception cref="ProgrammeParameterException">Unknown disease or month.</exception>
    public ProgrammeTrend Trend(LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources, string disease, string? unit = null,
        bool includeLost = false, Audience? audience = null)
    {
        var s = Get(latest, sources, disease);
        var rows = new List<ProgrammeMonth>();
        for (var i = 0; i < s.Months.Count; i++) rows.AddRange(s.Rows(i, unit, includeLost, audience ?? Audience.Public));
        return new ProgrammeTrend(disease, ProgrammeDiseases.Name(disease), s.Months[0], s.Months[^1], includeLost, latest.SnapshotId,
            latest.AsOf, rows);
    }

    /// <summary>The registration cohorts of <paramref name="latest"/>'s history.</summary>
    /// <exception cref="ProgrammeParameterException">Unknown disease.</exception>
    public ProgrammeCohorts Cohorts(LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources, string disease, string? unit = null,
        Audience? audience = null)
    {
        var s = Get(latest, sources, disease);
        return new ProgrammeCohorts(disease, ProgrammeDiseases.Name(disease), latest.SnapshotId, latest.AsOf,
            s.CohortRows(unit, audience ?? Audience.Public));
    }

    /// <summary>The raw (unsuppressed) counts of every month and unit: for tests and the benchmark.</summary>
    public IReadOnlyDictionary<(DateOnly Month, string Unit), ProgrammeMonthCounts> RawMonths(LoadedSnapshot latest,
        IReadOnlyList<LoadedSnapshot> sources, string disease)
    {
        var s = Get(latest, sources, disease);
        var d = new Dictionary<(DateOnly, string), ProgrammeMonthCounts>();
        for (var i = 0; i < s.Months.Count; i++)
            foreach (var (unit, c) in s.Counts[i]) d[(s.Months[i], unit)] = c.Rounded();
        return d;
    }

    /// <summary>The raw cohort counts by (registration quarter start, unit).</summary>
    public IReadOnlyDictionary<(DateOnly Quarter, string Unit), ProgrammeCohortCounts> RawCohorts(LoadedSnapshot latest,
        IReadOnlyList<LoadedSnapshot> sources, string disease)
    {
        var s = Get(latest, sources, disease);
        return s.Cohorts.SelectMany(q => q.Value.Select(kv => (Key: (q.Key, kv.Key), kv.Value))).ToDictionary(x => x.Key, x => x.Value);
    }

    Series Get(LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources, string disease)
    {
        if (!ProgrammeDiseases.IsKnown(disease))
            throw new ProgrammeParameterException($"Tham số disease: '{disease}' không hợp lệ (htn: tăng huyết áp, dm: đái tháo đường).");
        var used = Sources(latest, sources);
        // The computation stamps of the snapshots read: a replaced snapshot (same id, new rows) is read anew.
        string stamps;
        using (var c = db.Open())
            stamps = c.ExecuteScalar<string>("""
                SELECT string_agg(snapshot_id || '@' || strftime(computed_at, '%Y%m%d%H%M%S.%f'), '|' ORDER BY snapshot_id)
                FROM ncd_prog_done WHERE snapshot_id IN $ids
                """, new { ids = used.Select(u => u.SnapshotId).Append(latest.SnapshotId).ToArray() }) ?? "";
        var key = string.Join('|', used.Select(u => $"{u.SnapshotId}@{u.AsOf:yyyyMMdd}/{u.CodeSystem}/{u.ProvinceCode}")) + "→" + latest.SnapshotId + "#" + stamps;
        if (cache.Count > 64 && !cache.ContainsKey((key, disease))) cache.Clear();
        return cache.GetOrAdd((key, disease), _ => new Lazy<Series>(() => Series.Build(db, latest, used, disease))).Value;
    }

    /// <summary>Per month before the latest's, the latest-as_of snapshot of that month among the sources of the same
    /// province (or, from a 2025 province, a legacy snapshot of a province that merged into it).</summary>
    /// <summary>(legacy province, 2025 province) pairs linked by a commune of <c>bridge.csv</c>: the 2025 province a
    /// legacy province merged (wholly or partly) into.</summary>
    static readonly Lazy<HashSet<(string Legacy, string Current)>> MergedInto = new(() =>
    {
        var reference = ReferenceData.Load();
        Dictionary<string, string> Provinces(string system) => reference.Units.Where(u => u.CodeSystem == system)
            .GroupBy(u => u.Code).ToDictionary(g => g.Key, g => g.First().ProvinceCode);
        var legacy = Provinces(ReferenceData.SystemLegacy);
        var current = Provinces(ReferenceData.System2025);
        return [.. reference.Bridge.Where(b => legacy.ContainsKey(b.OldCode) && current.ContainsKey(b.NewCode))
            .Select(b => (legacy[b.OldCode], current[b.NewCode]))];
    });

    internal static List<LoadedSnapshot> Sources(LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources)
    {
        var first = new DateOnly(latest.AsOf.Year, latest.AsOf.Month, 1).AddMonths(-(TrendMonths - 1));
        var own = new DateOnly(latest.AsOf.Year, latest.AsOf.Month, 1);
        return sources
            .Where(s => s.SnapshotId != latest.SnapshotId && s.AsOf < own && s.AsOf >= first
                        && (s.CodeSystem == latest.CodeSystem ? s.ProvinceCode == latest.ProvinceCode
                            : s.CodeSystem == ReferenceData.SystemLegacy && latest.CodeSystem == ReferenceData.System2025
                              && MergedInto.Value.Contains((s.ProvinceCode, latest.ProvinceCode))))
            .GroupBy(s => new DateOnly(s.AsOf.Year, s.AsOf.Month, 1))
            .Select(g => g.OrderBy(s => s.AsOf).ThenBy(s => s.SnapshotId, StringComparer.Ordinal).Last())
            .OrderBy(s => s.AsOf).ToList();
    }

    /// <summary>Fractional counts (bridged months) of one unit and month.</summary>
    internal sealed record Counts(double UnderCare, double Controlled, double Uncontrolled, double Missed, double NoMeasure, double Lost)
    {
        public static readonly Counts Zero = new(0, 0, 0, 0, 0, 0);
        public Counts Plus(Counts o, double w = 1) => new(UnderCare + w * o.UnderCare, Controlled + w * o.Controlled,
            Uncontrolled + w * o.Uncontrolled, Missed + w * o.Missed, NoMeasure + w * o.NoMeasure, Lost + w * o.Lost);
        static int R(double x) => (int)Math.Round(x, MidpointRounding.AwayFromZero);
        public ProgrammeMonthCounts Rounded() => new(R(UnderCare), R(Controlled), R(Uncontrolled), R(Missed), R(NoMeasure), R(Lost));
    }

    sealed record MonthSource(DateOnly EvaluatedAt, string Source, string SnapshotId, string CodeSystem, bool Bridged);

    sealed record MonthRow(string SnapshotId, DateOnly Month, DateOnly EvalDate, string WardCode, int UnderCare, int Controlled,
        int Uncontrolled, int MissedVisit, int NoMeasure, int Lost);

    sealed record CohortRow(DateOnly QuarterStart, string WardCode, int Registered, int Controlled, int Uncontrolled, int MissedVisit, int NoMeasure);

    /// <summary>Disclosure keys: count name, unit, month index (or cohort index + 1000).</summary>
    readonly record struct Key(string Count, string Unit, int Period);

    static readonly string[] MonthCounts = ["under_care", "controlled", "uncontrolled", "missed_visit", "no_measure", "lost", "with_lost"];
    static readonly string[] CohortCounts = ["registered", "controlled", "uncontrolled", "missed_visit", "no_measure"];

    /// <summary>One snapshot's assembled months, cohorts, units and their suppression pattern.</summary>
    sealed class Series
    {
        public required string Disease { get; init; }
        public required string Province { get; init; }
        public required string ProvinceName { get; init; }
        public required IReadOnlyList<string> Communes { get; init; }
        public required IReadOnlyDictionary<string, string> Names { get; init; }
        public required List<DateOnly> Months { get; init; }
        public required List<MonthSource> MonthSources { get; init; }
        /// <summary>Per month index: unit → counts (province included).</summary>
        public required List<Dictionary<string, Counts>> Counts { get; init; }
        /// <summary>Per month index: units whose bridged figures are approximate.</summary>
        public required List<HashSet<string>> ApproximateUnits { get; init; }
        public required SortedDictionary<DateOnly, Dictionary<string, ProgrammeCohortCounts>> Cohorts { get; init; }
        public required string SnapshotId { get; init; }
        public required Suppression<Key> Pattern { get; init; }

        public static Series Build(WarehouseDb db, LoadedSnapshot latest, IReadOnlyList<LoadedSnapshot> sources, string disease)
        {
            using var c = db.Open();
            var names = NcdData.ReadCommuneNames(c, latest);
            var own = new DateOnly(latest.AsOf.Year, latest.AsOf.Month, 1);
            var months = Enumerable.Range(0, TrendMonths).Select(k => own.AddMonths(k - (TrendMonths - 1))).ToList();
            var history = c.Query<MonthRow>(MonthSelect + " WHERE snapshot_id = $sid AND disease = $d", new { sid = latest.SnapshotId, d = disease })
                .GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.ToList());
            var bySnapshot = sources.ToDictionary(s => new DateOnly(s.AsOf.Year, s.AsOf.Month, 1));
            var counts = new List<Dictionary<string, Counts>>();
            var approximate = new List<HashSet<string>>();
            var monthSources = new List<MonthSource>();
            var bridge = latest.CodeSystem == ReferenceData.System2025 && sources.Any(s => s.CodeSystem == ReferenceData.SystemLegacy)
                ? ReadBridge(c, latest) : [];
            var communes = new SortedSet<string>(names.Keys, StringComparer.Ordinal);
            foreach (var m in months)
            {
                var byUnit = new Dictionary<string, Counts>(StringComparer.Ordinal);
                var approx = new HashSet<string>(StringComparer.Ordinal);
                if (bySnapshot.TryGetValue(m, out var s))
                {
                    var rows = c.Query<MonthRow>(MonthSelect + " WHERE snapshot_id = $sid AND disease = $d AND month = $m::DATE",
                        new { sid = s.SnapshotId, d = disease, m = m.ToDateTime(TimeOnly.MinValue) }).ToList();
                    var bridged = s.CodeSystem != latest.CodeSystem;
                    if (!bridged)
                        foreach (var r in rows) byUnit[r.WardCode] = Of(r);
                    else
                    {
                        var seen = rows.ToDictionary(r => r.WardCode, StringComparer.Ordinal);
                        foreach (var (newCode, links) in bridge)
                        {
                            var sum = ProgrammeQueries.Counts.Zero;
                            foreach (var (oldCode, weight, partial) in links)
                            {
                                if (!seen.TryGetValue(oldCode, out var r)) continue;
                                sum = sum.Plus(Of(r), weight);
                                if (partial && (r.UnderCare > 0 || r.Lost > 0)) approx.Add(newCode);
                            }
                            byUnit[newCode] = sum;
                        }
                    }
                    monthSources.Add(new(s.AsOf, ProgrammeSources.Snapshot, s.SnapshotId, s.CodeSystem, bridged));
                }
                else
                {
                    var rows = history.GetValueOrDefault(m) ?? [];
                    foreach (var r in rows) byUnit[r.WardCode] = Of(r);
                    var source = m == own ? ProgrammeSources.Snapshot : ProgrammeSources.History;
                    var eval = m == own ? latest.AsOf : DateOnly.FromDayNumber(Math.Min(m.AddMonths(1).AddDays(-1).DayNumber, latest.AsOf.DayNumber));
                    monthSources.Add(new(eval, source, latest.SnapshotId, latest.CodeSystem, false));
                }
                foreach (var u in byUnit.Keys) communes.Add(u);
                // Rounded communes; the province is the sum of the exact values (equal to Σ communes when nothing is bridged).
                var province = byUnit.Values.Aggregate(ProgrammeQueries.Counts.Zero, (a, b) => a.Plus(b));
                foreach (var u in byUnit.Keys.ToList()) byUnit[u] = Round(byUnit[u]);
                byUnit[latest.ProvinceCode] = Round(province);
                if (approx.Count > 0) approx.Add(latest.ProvinceCode);
                counts.Add(byUnit);
                approximate.Add(approx);
            }
            var cohorts = new SortedDictionary<DateOnly, Dictionary<string, ProgrammeCohortCounts>>();
            foreach (var r in c.Query<CohortRow>("""
                         SELECT quarter_start AS QuarterStart, ward_code AS WardCode, registered AS Registered, controlled AS Controlled,
                                uncontrolled AS Uncontrolled, missed_visit AS MissedVisit, no_measure AS NoMeasure
                         FROM ncd_prog_cohort WHERE snapshot_id = $sid AND disease = $d
                         """, new { sid = latest.SnapshotId, d = disease }))
            {
                var q = r.QuarterStart;
                if (!cohorts.TryGetValue(q, out var byUnit)) cohorts[q] = byUnit = new(StringComparer.Ordinal);
                byUnit[r.WardCode] = new(r.Registered, r.Controlled, r.Uncontrolled, r.MissedVisit, r.NoMeasure);
                communes.Add(r.WardCode);
            }
            foreach (var byUnit in cohorts.Values)
                byUnit[latest.ProvinceCode] = byUnit.Values.Aggregate(new ProgrammeCohortCounts(),
                    (a, b) => new(a.Registered + b.Registered, a.Controlled + b.Controlled, a.Uncontrolled + b.Uncontrolled,
                        a.MissedVisit + b.MissedVisit, a.VisitedWithoutMeasurement + b.VisitedWithoutMeasurement));
            communes.Remove(latest.ProvinceCode);
            var units = communes.ToList();
            return new Series
            {
                Disease = disease, Province = latest.ProvinceCode, ProvinceName = NcdData.ReadProvinceName(c, latest), Communes = units,
                Names = names, Months = months, MonthSources = monthSources, Counts = counts, ApproximateUnits = approximate,
                Cohorts = cohorts, SnapshotId = latest.SnapshotId, Pattern = Protect(latest.ProvinceCode, units, counts, cohorts),
            };
        }

        const string MonthSelect = """
            SELECT snapshot_id AS SnapshotId, month AS Month, eval_date AS EvalDate, ward_code AS WardCode, under_care AS UnderCare,
                   controlled AS Controlled, uncontrolled AS Uncontrolled, missed_visit AS MissedVisit, no_measure AS NoMeasure, lost AS Lost
            FROM ncd_prog_month
            """;

        static Counts Of(MonthRow r) => new(r.UnderCare, r.Controlled, r.Uncontrolled, r.MissedVisit, r.NoMeasure, r.Lost);

        static Counts Round(Counts x)
        {
            var r = x.Rounded();
            // Under care stays the sum of its (rounded) parts, so a bridged row adds up.
            return new(r.Controlled + r.Uncontrolled + r.MissedVisit + r.VisitedWithoutMeasurement, r.Controlled, r.Uncontrolled,
                r.MissedVisit, r.VisitedWithoutMeasurement, r.LostToFollowUp);
        }

        /// <summary>2025 commune of the latest snapshot's province → its legacy communes, weight, partial link.</summary>
        static Dictionary<string, List<(string Old, double Weight, bool Partial)>> ReadBridge(IDbConnection c, LoadedSnapshot latest) =>
            c.Query<(string New, string Old, double Weight, string Link)>("""
                SELECT b.new_code, b.old_code, b.weight, b.link FROM dim_unit_bridge b
                JOIN dim_admin_unit u ON u.code_system = $cs AND u.level = $level AND u.code = b.new_code AND u.province_code = $p
                """, new { cs = ReferenceData.System2025, level = Levels.Commune, p = latest.ProvinceCode })
                .GroupBy(r => r.New, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.DistinctBy(r => r.Old).Select(r => (r.Old, r.Weight, r.Link == "partial")).ToList(), StringComparer.Ordinal);

        static Suppression<Key> Protect(string province, IReadOnlyList<string> communes, List<Dictionary<string, Counts>> months,
            SortedDictionary<DateOnly, Dictionary<string, ProgrammeCohortCounts>> cohorts)
        {
            var cells = new Dictionary<Key, long>();
            var relations = new List<Relation<Key>>();
            var units = communes.Append(province).ToList();
            for (var i = 0; i < months.Count; i++)
            {
                foreach (var u in units)
                {
                    var x = months[i].GetValueOrDefault(u) ?? ProgrammeQueries.Counts.Zero;
                    long[] v = [(long)x.UnderCare, (long)x.Controlled, (long)x.Uncontrolled, (long)x.Missed, (long)x.NoMeasure, (long)x.Lost,
                        (long)(x.UnderCare + x.Lost)];
                    for (var k = 0; k < MonthCounts.Length; k++) cells[new(MonthCounts[k], u, i)] = v[k];
                    relations.Add(new(new("under_care", u, i), MonthCounts[1..5].Select(n => new Key(n, u, i)).ToList()));
                    relations.Add(new(new("with_lost", u, i), [new("under_care", u, i), new("lost", u, i)]));
                }
                foreach (var n in MonthCounts)
                    relations.Add(new(new(n, province, i), communes.Select(u => new Key(n, u, i)).ToList()));
            }
            var q = 0;
            foreach (var byUnit in cohorts.Values)
            {
                var p = 1000 + q++;
                foreach (var u in units)
                {
                    var x = byUnit.GetValueOrDefault(u);
                    long[] v = [x.Registered, x.Controlled, x.Uncontrolled, x.MissedVisit, x.VisitedWithoutMeasurement];
                    for (var k = 0; k < CohortCounts.Length; k++) cells[new(CohortCounts[k], u, p)] = v[k];
                    relations.Add(new(new("registered", u, p), CohortCounts[1..].Select(n => new Key(n, u, p)).ToList()));
                }
                foreach (var n in CohortCounts)
                    relations.Add(new(new(n, province, p), communes.Select(u => new Key(n, u, p)).ToList()));
            }
            return Disclosure.Disclosure.Protect(cells, _ => true, relations);
        }

        IEnumerable<string> Units(string? unit) =>
            unit is null ? Communes.Prepend(Province) : unit == Province || Communes.Contains(unit) ? [unit] : [];

        string Level(string u) => u == Province ? Levels.Province : Levels.Commune;

        string Name(string u) => u == Province ? ProvinceName : Names.GetValueOrDefault(u) ?? u;

        public List<ProgrammeMonth> Rows(int i, string? unit, bool includeLost, Audience audience)
        {
            var src = MonthSources[i];
            var rows = new List<ProgrammeMonth>();
            var denominatorName = Disease == ProgrammeDiseases.Diabetes
                ? "bệnh nhân đái tháo đường đăng ký ≥ 3 tháng, còn sống, có khám trong 12 tháng" : "bệnh nhân tăng huyết áp đăng ký ≥ 3 tháng, còn sống, có khám trong 12 tháng";
            if (includeLost) denominatorName += ", cộng người bỏ điều trị (không khám trong 12 tháng)";
            foreach (var u in Units(unit))
            {
                var x = Counts[i].GetValueOrDefault(u) ?? ProgrammeQueries.Counts.Zero;
                var raw = audience.SeesRaw(u);
                bool Hidden(string n) => !raw && Pattern.Hides(new(n, u, i));
                int? Show(string n, double v) => Hidden(n) ? null : (int)v;
                var denKey = includeLost ? "with_lost" : "under_care";
                var den = Show(denKey, includeLost ? x.UnderCare + x.Lost : x.UnderCare);
                double? Share(int? n) => n is { } a && den is { } d && d > 0 && (raw || !Disclosure.Disclosure.IsSmall(d)) ? (double)a / d : null;
                var underCare = Show("under_care", x.UnderCare);
                int? controlled = Show("controlled", x.Controlled), uncontrolled = Show("uncontrolled", x.Uncontrolled),
                    missed = Show("missed_visit", x.Missed), none = Show("no_measure", x.NoMeasure), lost = Show("lost", x.Lost);
                var suppressed = new[] { den, underCare, controlled, uncontrolled, missed, none, lost }.Any(v => v is null)
                                 || (!raw && den is { } dd && Disclosure.Disclosure.IsSmall(dd));
                rows.Add(new ProgrammeMonth(Disease, Level(u), u, Name(u), Months[i], src.EvaluatedAt, src.Source, src.SnapshotId,
                    src.CodeSystem, src.Bridged, ApproximateUnits[i].Contains(u), includeLost, denominatorName, den, underCare,
                    controlled, uncontrolled, missed, none, lost, Share(controlled), Share(uncontrolled), Share(missed), Share(none),
                    includeLost ? Share(lost) : null, suppressed));
            }
            return rows;
        }

        public List<ProgrammeCohort> CohortRows(string? unit, Audience audience)
        {
            var rows = new List<ProgrammeCohort>();
            var q = 0;
            foreach (var (start, byUnit) in Cohorts)
            {
                var p = 1000 + q++;
                foreach (var u in Units(unit))
                {
                    var x = byUnit.GetValueOrDefault(u);
                    var raw = audience.SeesRaw(u);
                    int? Show(string n, int v) => !raw && Pattern.Hides(new(n, u, p)) ? null : v;
                    var den = Show("registered", x.Registered);
                    double? Share(int? n) => n is { } a && den is { } d && d > 0 && (raw || !Disclosure.Disclosure.IsSmall(d)) ? (double)a / d : null;
                    int? c = Show("controlled", x.Controlled), un = Show("uncontrolled", x.Uncontrolled), m = Show("missed_visit", x.MissedVisit),
                        n0 = Show("no_measure", x.VisitedWithoutMeasurement);
                    var suppressed = new[] { den, c, un, m, n0 }.Any(v => v is null) || (!raw && den is { } dd && Disclosure.Disclosure.IsSmall(dd));
                    rows.Add(new ProgrammeCohort(Disease, Level(u), u, Name(u), $"{start.Year}-Q{(start.Month - 1) / 3 + 1}", start,
                        start.AddMonths(3).AddDays(-1), start.AddMonths(3), start.AddMonths(6).AddDays(-1), SnapshotId, den, c, un, m, n0,
                        Share(c), Share(un), Share(m), Share(n0), suppressed));
                }
            }
            return rows;
        }
    }
}
