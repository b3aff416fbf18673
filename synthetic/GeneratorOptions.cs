using System.Globalization;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Synthetic;

/// <summary>
/// Options of <see cref="SyntheticProvince"/>.Generate: a 2025 province code, the fraction of its real population
/// to simulate, the first and last month (one snapshot at the end of each), the output folder and the seed.
/// </summary>
public sealed record GeneratorOptions(string ProvinceCode, double Scale, DateOnly From, DateOnly To, string OutDir, int Seed = 20250701)
{
    /// <summary>Throws <see cref="ArgumentException"/> with a Vietnamese message naming the command-line parameter.</summary>
    internal void Validate(ReferenceData reference)
    {
        var provinces = reference.Units
            .Where(u => u.CodeSystem == ReferenceData.System2025 && u.Level == "province").Select(u => u.Code).ToHashSet();
        if (string.IsNullOrWhiteSpace(ProvinceCode) || !provinces.Contains(ProvinceCode))
            throw new ArgumentException($"Tham số --province: không có tỉnh mã '{ProvinceCode}' trong danh mục 2025");
        if (double.IsNaN(Scale) || Scale <= 0 || Scale > 1)
            throw new ArgumentException(
                $"Tham số --scale: tỉ lệ phải lớn hơn 0 và không quá 1 (nhận được {Scale.ToString(CultureInfo.InvariantCulture)})");
        if (new DateOnly(From.Year, From.Month, 1) > new DateOnly(To.Year, To.Month, 1))
            throw new ArgumentException($"Tham số --from: tháng bắt đầu {From:yyyy-MM} sau tháng kết thúc --to {To:yyyy-MM}");
        if (string.IsNullOrWhiteSpace(OutDir))
            throw new ArgumentException("Tham số --out: chưa có thư mục đầu ra");
    }

    /// <summary>The last day of each month from From's month to To's month.</summary>
    internal IReadOnlyList<DateOnly> SnapshotDates()
    {
        var dates = new List<DateOnly>();
        for (var m = new DateOnly(From.Year, From.Month, 1); m <= new DateOnly(To.Year, To.Month, 1); m = m.AddMonths(1))
            dates.Add(Calendar.EndOfMonth(m.Year, m.Month));
        return dates;
    }
}
