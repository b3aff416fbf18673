using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace HoSoSucKhoe.Warehouse.Xml130;

/// <summary>The rule that linked an episode to a health record (docs/xml130.md, "Matching").</summary>
public enum MatchRule : byte { None = 0, CitizenId = 1, InsuranceCard = 2, NameBirthCommune = 3 }

/// <summary>
/// The records of the --persons snapshot, indexed three ways: citizen id; the stable part of the insurance card (its last
/// 10 characters, the BHXH number, unchanged when the card is renewed or its group changes); folded name + birth date
/// (or year, when only the year is known) + commune. A candidate scores 4 for the citizen id, 2 for a card and 1 for
/// name + birth + commune; the highest score wins, its strongest part names the rule, and a tie goes to the record
/// listed first (counted as ambiguous).
/// </summary>
internal sealed class PersonIndex
{
    readonly List<string> _recordIds = [];
    readonly Dictionary<string, int> _citizen = new(StringComparer.Ordinal), _card = new(StringComparer.Ordinal), _name = new(StringComparer.Ordinal);
    readonly List<int> _nextCitizen = [], _nextCard = [], _nextName = [];
    readonly List<string?> _citizenOf = [], _cardOf = [], _nameOf = [];

    public int Count => _recordIds.Count;
    public string RecordId(int index) => _recordIds[index];

    public static PersonIndex Read(string personsArrow)
    {
        var index = new PersonIndex();
        using var reader = new ArrowFileReader(File.OpenRead(personsArrow));
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
            {
                var id = (StringArray)batch.Column("record_id");
                var citizen = (StringArray)batch.Column("citizen_id");
                var card = (StringArray)batch.Column("insurance_id");
                var name = (StringArray)batch.Column("full_name");
                var year = (Int16Array)batch.Column("birth_year");
                var date = (Date32Array)batch.Column("birth_date");
                var ward = (StringArray)batch.Column("ward_code");
                for (var i = 0; i < batch.Length; i++)
                {
                    DateOnly? birth = date.IsNull(i) ? null : DateOnly.FromDayNumber(Epoch + date.GetValue(i)!.Value);
                    index.Add(id.GetString(i), citizen.GetString(i), card.GetString(i),
                        NameKey(name.GetString(i), birth, year.GetValue(i) ?? 0, ward.GetString(i)));
                }
            }
        return index;
    }

    static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    void Add(string recordId, string? citizen, string? card, string? nameKey)
    {
        var i = _recordIds.Count;
        _recordIds.Add(recordId);
        citizen = Clean(citizen);
        var stable = Stable(card);
        _citizenOf.Add(citizen);
        _cardOf.Add(stable);
        _nameOf.Add(nameKey);
        Link(_citizen, _nextCitizen, citizen, i);
        Link(_card, _nextCard, stable, i);
        Link(_name, _nextName, nameKey, i);
    }

    // Lists are kept in file order: a new record is appended at the tail of its key's chain.
    readonly Dictionary<string, int> _tailCitizen = [], _tailCard = [], _tailName = [];

    void Link(Dictionary<string, int> head, List<int> next, string? key, int i)
    {
        next.Add(-1);
        if (key is null) return;
        var tails = ReferenceEquals(head, _citizen) ? _tailCitizen : ReferenceEquals(head, _card) ? _tailCard : _tailName;
        if (tails.TryGetValue(key, out var tail)) next[tail] = i;
        else head[key] = i;
        tails[key] = i;
    }

    /// <summary>The best record for an episode whose commune resolved to <paramref name="ward"/>, or -1.</summary>
    public (int Record, MatchRule Rule, bool Ambiguous) Match(Episode e, string? ward)
    {
        var citizen = Clean(e.CitizenId);
        var cards = e.Cards.Select(Stable).Where(c => c is not null).Distinct().ToArray();
        var names = NameKeys(e, ward);
        var candidates = new List<int>(4);
        void Walk(Dictionary<string, int> head, List<int> next, string? key)
        {
            if (key is null || !head.TryGetValue(key, out var r)) return;
            for (; r >= 0; r = next[r]) if (!candidates.Contains(r)) candidates.Add(r);
        }
        Walk(_citizen, _nextCitizen, citizen);
        foreach (var c in cards) Walk(_card, _nextCard, c);
        foreach (var n in names) Walk(_name, _nextName, n);
        int best = -1, bestScore = 0, tied = 0;
        foreach (var r in candidates)
        {
            var score = (citizen is not null && _citizenOf[r] == citizen ? 4 : 0)
                + (_cardOf[r] is { } c && cards.Contains(c) ? 2 : 0)
                + (_nameOf[r] is { } n && names.Contains(n) ? 1 : 0);
            if (score > bestScore) { best = r; bestScore = score; tied = 1; }
            else if (score == bestScore) { tied++; if (r < best) best = r; }
        }
        var ambiguous = tied > 1;
        if (best < 0) return (-1, MatchRule.None, false);
        var rule = bestScore >= 4 ? MatchRule.CitizenId : bestScore >= 2 ? MatchRule.InsuranceCard : MatchRule.NameBirthCommune;
        return (best, rule, ambiguous);
    }

    /// <summary>Who an unmatched visitor is, for counting people rather than episodes.</summary>
    public static string Identity(Episode e, string? ward) =>
        Clean(e.CitizenId) is { } c ? "C" + c
        : e.Cards.Select(Stable).FirstOrDefault(s => s is not null) is { } s ? "B" + s
        : NameKey(e.Name, e.BirthDate, e.BirthYear, ward) is { } n ? "N" + n
        : "L" + e.EncounterId;

    static string?[] NameKeys(Episode e, string? ward) =>
        e.BirthDate is null ? [NameKey(e.Name, null, e.BirthYear, ward)]
        : [NameKey(e.Name, e.BirthDate, e.BirthYear, ward), NameKey(e.Name, null, e.BirthYear, ward)];

    static string? NameKey(string? name, DateOnly? birth, short year, string? ward)
    {
        var folded = Text.Fold(name);
        if (folded.Length == 0 || ward is null || year == 0) return null;
        return birth is { } b ? $"{folded}|{b:yyyyMMdd}|{ward}" : $"{folded}|{year}|{ward}";
    }

    static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The BHXH number: the last 10 characters of a 15-character card, or a bare 10-digit number.</summary>
    internal static string? Stable(string? card)
    {
        card = Clean(card);
        return card is null || card.Length < 10 ? null : card[^10..];
    }
}
