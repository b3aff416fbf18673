namespace HoSoSucKhoe.Models.Disclosure;

/// <summary>Who is looking: the one commune, if any, whose health figures the viewer may see unsuppressed (its own
/// commune officer, the same right as its line lists). Everyone else sees every health figure through
/// <see cref="Disclosure"/>.</summary>
public sealed record Audience(string? OwnCommune)
{
    /// <summary>Leadership, epidemiologists, admins: suppressed figures everywhere.</summary>
    public static readonly Audience Public = new((string?)null);

    public bool SeesRaw(string unitCode) => OwnCommune is not null && OwnCommune == unitCode;
}

/// <summary>A published equation: the value of <see cref="Total"/> equals the sum of the values of <see cref="Parts"/>.
/// A key that is not among the cells is unpublished (unknown to a reader).</summary>
public sealed record Relation<TKey>(TKey Total, IReadOnlyList<TKey> Parts);

/// <summary>Cells hidden by <see cref="Disclosure.Protect"/>: the primary ones (health counts 1–4), the complementary
/// ones, and the relations it could not protect because every candidate must stay visible.</summary>
public sealed record Suppression<TKey>(IReadOnlySet<TKey> Hidden, IReadOnlySet<TKey> Primary, IReadOnlyList<Relation<TKey>> Unprotected)
    where TKey : notnull
{
    public int Complementary => Hidden.Count - Primary.Count;
    public bool Hides(TKey key) => Hidden.Contains(key);
}

/// <summary>
/// The one disclosure rule (docs/definitions.md, "Disclosure control"). Primary suppression: a count of 1 to
/// <see cref="Threshold"/> − 1 of health information, and everything derived from it, is hidden. Complementary
/// suppression: in every published relation total = Σ parts, a hidden cell must not follow from the others — at least
/// two unknowns, and not all of them pinned to 1 — so the next-smallest non-zero visible sibling (then a zero one,
/// then the total) is hidden too, until no relation changes. Zero is not suppressed.
/// </summary>
public static class Disclosure
{
    /// <summary>Counts from 1 to Threshold − 1 are small.</summary>
    public const int Threshold = 5;

    public static bool IsSmall(long? n) => n is > 0 and < Threshold;

    /// <summary>Hides the small health cells and then, relation by relation until none changes, enough siblings that
    /// no hidden cell can be rebuilt from a total and its visible siblings. <paramref name="health"/>: cells of health
    /// information (primary candidates); <paramref name="mustShow"/>: operational cells, or cells already published
    /// elsewhere, that are never hidden; <paramref name="hiddenElsewhere"/>: cells another pattern already hides (a
    /// province's own counts, seen from the national table), hidden here too.</summary>
    public static Suppression<TKey> Protect<TKey>(IReadOnlyDictionary<TKey, long> cells, Func<TKey, bool> health,
        IReadOnlyList<Relation<TKey>> relations, Func<TKey, bool>? mustShow = null, Func<TKey, bool>? hiddenElsewhere = null) where TKey : notnull
    {
        mustShow ??= _ => false;
        var primary = cells.Where(kv => health(kv.Key) && !mustShow(kv.Key) && IsSmall(kv.Value)).Select(kv => kv.Key).ToHashSet();
        var hidden = new HashSet<TKey>(primary);
        if (hiddenElsewhere is not null) hidden.UnionWith(cells.Keys.Where(hiddenElsewhere));
        bool Unknown(TKey k) => hidden.Contains(k) || !cells.ContainsKey(k);
        // Worklist: a relation is checked again only when one of its cells is newly hidden.
        var byCell = new Dictionary<TKey, List<int>>();
        for (var i = 0; i < relations.Count; i++)
            foreach (var k in relations[i].Parts.Append(relations[i].Total))
                (byCell.TryGetValue(k, out var list) ? list : byCell[k] = []).Add(i);
        var queue = new Queue<int>(Enumerable.Range(0, relations.Count));
        var queued = Enumerable.Repeat(true, relations.Count).ToArray();
        var unprotected = new HashSet<int>();
        while (queue.TryDequeue(out var i))
        {
            queued[i] = false;
            var r = relations[i];
            unprotected.Remove(i);
            while (Leaks(r))
            {
                var pick = Candidate(r);
                if (pick is null) { unprotected.Add(i); break; }
                hidden.Add(pick.Value.Key);
                foreach (var j in byCell[pick.Value.Key])
                    if (j != i && !queued[j]) { queued[j] = true; queue.Enqueue(j); }
            }
        }
        return new Suppression<TKey>(hidden, primary, unprotected.Order().Select(i => relations[i]).ToList());

        // One unknown follows from the others; several unknowns, all non-zero and summing to their number, are all 1.
        bool Leaks(Relation<TKey> r)
        {
            var unknownParts = r.Parts.Where(Unknown).ToList();
            var totalUnknown = Unknown(r.Total);
            var unknowns = unknownParts.Count + (totalUnknown ? 1 : 0);
            if (unknowns == 0 || (unknowns == 1 && !hidden.Contains(totalUnknown ? r.Total : unknownParts[0]))) return false;
            if (unknowns == 1) return true;
            if (totalUnknown || unknownParts.Any(p => !cells.ContainsKey(p))) return false;
            var hiddenSum = cells[r.Total] - r.Parts.Where(p => !Unknown(p)).Sum(p => cells[p]);
            return unknownParts.All(p => cells[p] > 0) && hiddenSum == unknownParts.Count;
        }

        KeyValuePair<TKey, long>? Candidate(Relation<TKey> r)
        {
            var visible = r.Parts.Where(p => !Unknown(p) && !mustShow(p)).Select(p => new KeyValuePair<TKey, long>(p, cells[p])).ToList();
            var nonZero = visible.Where(kv => kv.Value > 0).ToList();
            if (nonZero.Count > 0) return nonZero.MinBy(kv => kv.Value);
            if (visible.Count > 0) return visible[0];
            if (!Unknown(r.Total) && !mustShow(r.Total)) return new KeyValuePair<TKey, long>(r.Total, cells[r.Total]);
            return null;
        }
    }
}
