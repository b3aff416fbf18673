using System.Text;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Vietnamese family, middle and given names with rough frequencies (Nguyễn ~38 %). Family and given names are one
/// word and middle names one or two, so a full name splits back into its parts uniquely. Northwestern provinces
/// (Điện Biên, Lai Châu, Sơn La) draw a share of Thái and Hmông names.
/// </summary>
internal static class NameTables
{
    public static readonly WeightedNames Family = new(
        ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 4.5), ("Huỳnh", 1.8), ("Phan", 4.5),
        ("Vũ", 3), ("Võ", 2), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1),
        ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.7), ("Đoàn", 0.6), ("Lương", 0.5), ("Mai", 0.5), ("Trịnh", 0.5),
        ("Cao", 0.4), ("Hà", 0.5), ("Tạ", 0.3), ("Lâm", 0.3), ("Tô", 0.3), ("Châu", 0.3), ("Quách", 0.2), ("Kiều", 0.2),
        ("Thái", 0.2), ("Từ", 0.1), ("Lò", 0.1), ("Giàng", 0.1));

    public static readonly WeightedNames FamilyNorthwest = new(
        ("Lò", 10), ("Quàng", 7), ("Lường", 6), ("Cà", 5), ("Vì", 3), ("Giàng", 8), ("Sùng", 6), ("Vàng", 6),
        ("Thào", 5), ("Mùa", 4), ("Lầu", 3), ("Tòng", 3), ("Điêu", 2));

    public static readonly WeightedNames MiddleMale = new(
        ("Văn", 40), ("Hữu", 5), ("Đức", 6), ("Minh", 6), ("Quang", 4), ("Thanh", 3), ("Ngọc", 3), ("Xuân", 3),
        ("Công", 4), ("Đình", 5), ("Quốc", 4), ("Trung", 2), ("Gia", 2), ("Anh", 2), ("Duy", 2), ("Bảo", 2),
        ("Hoàng", 2), ("Thành", 2), ("Tiến", 1), ("Mạnh", 1), ("A", 0.5));

    public static readonly WeightedNames MiddleFemale = new(
        ("Thị", 50), ("Ngọc", 6), ("Thanh", 4), ("Thu", 4), ("Kim", 3), ("Thùy", 3), ("Bảo", 2), ("Minh", 2),
        ("Phương", 2), ("Hồng", 2), ("Mai", 1), ("Khánh", 2), ("Diệu", 1), ("Thảo", 1), ("Thị Thu", 4),
        ("Thị Ngọc", 3), ("Thị Kim", 2), ("Thị Thanh", 3), ("Thị Mỹ", 2), ("Thị Hồng", 2), ("Hoài", 1));

    public static readonly WeightedNames GivenMale = Uniform(
        "Anh", "Bảo", "Bình", "Cường", "Công", "Dũng", "Duy", "Dương", "Đạt", "Đức", "Hải", "Hào", "Hiếu", "Hiệp",
        "Hòa", "Hoàng", "Hùng", "Huy", "Hưng", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Lộc", "Long", "Lợi",
        "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Phong", "Phúc", "Phước", "Quân", "Quang", "Quý", "Sơn", "Tài",
        "Tâm", "Tân", "Thái", "Thắng", "Thành", "Thanh", "Thiện", "Thịnh", "Thông", "Tiến", "Toàn", "Trí", "Trọng",
        "Trung", "Tú", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hậu", "Hiển", "Khôi", "Đông", "Tín", "Lực", "Sang",
        "Tường", "Bằng", "Chiến", "Dân", "Hiền", "Kiệt", "Lân", "Nhật", "Sinh", "Thuận", "Vượng");

    public static readonly WeightedNames GivenFemale = Uniform(
        "An", "Anh", "Ánh", "Bích", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa",
        "Hồng", "Huyền", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc",
        "Nhung", "Như", "Nhi", "Oanh", "Phương", "Phượng", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thu", "Thư", "Thủy",
        "Thúy", "Thơ", "Trang", "Trâm", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hạ", "Hải", "Châu",
        "Đào", "Lệ", "Nguyệt", "Tiên", "Nhàn", "Hậu", "Lụa", "Mến", "Nhài", "Sen", "Thắm");

    /// <summary>Thái and Hmông given names for the northwest.</summary>
    public static readonly WeightedNames GivenNorthwest = Uniform(
        "Páo", "Dế", "Chứ", "Sình", "Tủa", "Mỷ", "Dua", "Sua", "Pọm", "Ún", "Xuân", "Chai", "Panh", "Inh", "Ngoan",
        "Chư", "Lử", "Mua", "Dính", "Sểnh");

    static WeightedNames Uniform(params string[] names) => new(names.Select(n => (n, 1.0)).ToArray());

    /// <summary>All tables in a fixed order; a person's name is (family, middle, given) indices into these.</summary>
    public static readonly WeightedNames[] All =
        [Family, FamilyNorthwest, MiddleMale, MiddleFemale, GivenMale, GivenFemale, GivenNorthwest];
}

/// <summary>A name list with cumulative weights and each entry's normalised form interned to an id.</summary>
internal sealed class WeightedNames
{
    readonly double[] _cumulative;
    public string[] Names { get; }
    /// <summary>Id of the normalised spelling (equal ids ⇔ equal normalised text).</summary>
    public int[] NormalId { get; }

    public WeightedNames(params (string Name, double Weight)[] entries)
    {
        Names = entries.Select(e => e.Name.Normalize(NormalizationForm.FormC)).ToArray();
        _cumulative = new double[entries.Length];
        var s = 0.0;
        for (var i = 0; i < entries.Length; i++) _cumulative[i] = s += entries[i].Weight;
        NormalId = Names.Select(n => NameGlobalIds.Intern(NameText.Normalise(n))).ToArray();
    }

    public int Pick(ref Rng rng) => rng.PickCumulative(_cumulative);
}

/// <summary>One process-wide interning of normalised name parts, so ids compare across tables.</summary>
internal static class NameGlobalIds
{
    static readonly Dictionary<string, int> Ids = new(StringComparer.Ordinal);

    public static int Intern(string normalised)
    {
        lock (Ids)
        {
            if (!Ids.TryGetValue(normalised, out var id)) Ids[normalised] = id = Ids.Count;
            return id;
        }
    }
}
