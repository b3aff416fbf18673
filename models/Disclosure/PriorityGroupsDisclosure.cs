using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Models.Disclosure;

/// <summary><see cref="PriorityGroupRow"/> as served: the same fields, <see cref="Records"/> and its share null when
/// hidden.</summary>
public sealed record PriorityGroupView(int Group, string Label, long? Records, decimal? SharePct, string AgeCore,
    long? CorePopulation, long CoreManaged, decimal? CoreCoveragePct);

/// <summary><see cref="AgeSexRow"/> as served: the group counts null when hidden; records, managed, population and
/// coverage are operational and always shown.</summary>
public sealed record AgeSexView(string? AgeBand, int Sex, long? Population, long RecordsLinked, long Managed, decimal? CoveragePct,
    long? PriorityGroup1, long? PriorityGroup2, long? PriorityGroup3);

/// <summary><see cref="PriorityGroupsReport"/> as served (same JSON and CSV shape; a hidden figure is null).</summary>
public sealed record PriorityGroupsView(KpiUnit Unit, long RecordsLinked, bool HasAgeSexDenominators,
    IReadOnlyList<PriorityGroupView> Groups, IReadOnlyList<AgeSexView> AgeSex);

/// <summary>
/// Priority groups through the disclosure rule. Group 1 below 50 is a count of people with a chronic disease
/// (hypertension, diabetes, cardiovascular history, an NCD diagnosis) and group 2 from 15 to 49 mostly of pregnant
/// women: health information. From 50 everyone is in group 1 (so groups 2 and 3 are 0) and below 15 no one is in
/// group 3: a reader knows those cells from the age band alone, so they are shown and never chosen as complementary.
/// Relations: records of a band × sex = group 1 + 2 + 3 (records are operational and always shown); a group's records
/// = Σ its band × sex cells; records linked = Σ the three groups.
/// </summary>
public static class PriorityGroupsDisclosure
{
    static readonly string[] Bands = HoSoSucKhoe.Warehouse.Loading.PopulationLoader.AgeBands;

    readonly record struct Key(string Row, int Group);

    static int Lo(string? band) => band is null ? -1 : Array.IndexOf(Bands, band) * 5;

    public static PriorityGroupsView Disclose(PriorityGroupsReport r, Audience a)
    {
        var raw = a.SeesRaw(r.Unit.Code);
        var cells = new Dictionary<Key, long>();
        var relations = new List<Relation<Key>>();
        static string RowKey(AgeSexRow x) => $"{x.AgeBand ?? "?"}|{x.Sex}";
        foreach (var x in r.AgeSex)
        {
            var row = RowKey(x);
            cells[new(row, 0)] = x.RecordsLinked;
            cells[new(row, 1)] = x.PriorityGroup1;
            cells[new(row, 2)] = x.PriorityGroup2;
            cells[new(row, 3)] = x.PriorityGroup3;
            relations.Add(new(new(row, 0), [new(row, 1), new(row, 2), new(row, 3)]));
        }
        cells[new("total", 0)] = r.RecordsLinked;
        foreach (var g in r.Groups)
        {
            cells[new("total", g.Group)] = g.Records;
            relations.Add(new(new("total", g.Group), r.AgeSex.Select(x => new Key(RowKey(x), g.Group)).ToList()));
        }
        relations.Add(new(new("total", 0), r.Groups.Select(g => new Key("total", g.Group)).ToList()));
        var lo = r.AgeSex.ToDictionary(RowKey, x => Lo(x.AgeBand));
        bool Known(Key k) => k.Group == 0 || (k.Row != "total" && ((lo[k.Row] >= 50) || (k.Group == 3 && lo[k.Row] is >= 0 and < 15)));
        bool Health(Key k) => k.Row == "total"
            ? k.Group is 1 or 2
            : (k.Group == 1 && lo[k.Row] < 50) || (k.Group == 2 && lo[k.Row] is >= 15 and < 50);
        var pattern = Disclosure.Protect(cells, Health, relations, Known);
        bool Hidden(Key k) => !raw && pattern.Hides(k);

        return new PriorityGroupsView(r.Unit, r.RecordsLinked, r.HasAgeSexDenominators,
            r.Groups.Select(g => Hidden(new("total", g.Group))
                ? new PriorityGroupView(g.Group, g.Label, null, null, g.AgeCore, g.CorePopulation, g.CoreManaged, g.CoreCoveragePct)
                : new PriorityGroupView(g.Group, g.Label, g.Records, g.SharePct, g.AgeCore, g.CorePopulation, g.CoreManaged, g.CoreCoveragePct)).ToList(),
            r.AgeSex.Select(x =>
            {
                var row = RowKey(x);
                return new AgeSexView(x.AgeBand, x.Sex, x.Population, x.RecordsLinked, x.Managed, x.CoveragePct,
                    Hidden(new(row, 1)) ? null : x.PriorityGroup1, Hidden(new(row, 2)) ? null : x.PriorityGroup2,
                    Hidden(new(row, 3)) ? null : x.PriorityGroup3);
            }).ToList());
    }
}
