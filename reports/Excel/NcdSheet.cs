using ClosedXML.Excel;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using static HoSoSucKhoe.Reports.Excel.SheetTable;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>
/// Hypertension and diabetes for epidemiologists: the care cascades with their denominators and the prevalence of every
/// measure (adults, both sexes), crude and age-standardised with 95 % CIs and the empirical-Bayes smoothed value, from
/// the same <see cref="NcdData"/> and through the same <see cref="NcdSuppression.Disclose(CascadeRow, Audience)"/> and
/// <see cref="NcdSuppression.Disclose(PrevalenceEstimate, Measure, AgeGroup, Audience)"/> calls as the API's
/// <c>/api/ncd/cascade</c> and <c>/api/ncd/prevalence</c>. A figure the API hides is written "ẩn", never a number.
/// </summary>
static class NcdSheet
{
    public const string Name = "THA - ĐTĐ";

    public static readonly string[] CascadeHeadings =
        ["Bước", "Đơn vị", "Số người", "Mẫu số", "Tỷ lệ", "Bị ẩn", "Tên mẫu số"];

    public static readonly string[] PrevalenceHeadings =
    [
        "Chỉ số", "Đơn vị", "Số mắc", "Mẫu số", "Tỷ lệ thô", "KTC 95 % thấp", "KTC 95 % cao", "Chuẩn hoá tuổi",
        "KTC 95 % thấp", "KTC 95 % cao", "Làm trơn (Bayes thực nghiệm)", "KTC 95 % thấp", "KTC 95 % cao", "Hệ số co", "Bị ẩn",
    ];

    public const string MethodNote =
        "Tỷ lệ thô: KTC 95 % Wilson. Chuẩn hoá tuổi: trực tiếp theo dân số chuẩn WHO (trọng số chia lại trên các nhóm tuổi có số liệu), " +
        "KTC 95 % gamma Fay–Feuer. Làm trơn: Bayes thực nghiệm kéo về giá trị của tỉnh. \"ẩn\": số liệu bị ẩn theo quy tắc bảo vệ bí mật " +
        "(số đếm thông tin sức khỏe từ 1 đến 4 và các ô bổ sung, docs/definitions.md); \"–\": không tính được.";

    /// <summary>The units of the sheet: the province and its communes, a legacy district's communes, or one commune.</summary>
    static (HashSet<string> Cascade, HashSet<string> Prevalence) Units(AppendixData data, NcdData ncd)
    {
        var children = data.Rows.Select(r => r.Code).ToHashSet();
        return data.Level switch
        {
            Levels.Province => ([data.Code], [data.Code, .. children]),
            Levels.District => (children, children),
            _ => ([data.Code], [data.Code]),
        };
    }

    public static void Write(XLWorkbook wb, AppendixData data, NcdData ncd, Audience audience)
    {
        var ws = NewSheet(wb, Name);
        // Columns shared by both tables: the long texts (steps, measures; units) in the first two.
        Widths(ws, 46, 26, 11, 11, 10, 10, 10, 11, 10, 10, 12, 10, 10, 9, 7);
        var row = Title(ws, "TĂNG HUYẾT ÁP VÀ ĐÁI THÁO ĐƯỜNG: CHUỖI CHĂM SÓC VÀ TỶ LỆ HIỆN MẮC", data, PrevalenceHeadings.Length);
        Line(ws, row++, 1, PrevalenceHeadings.Length, Burden.VisitBiasNote, italic: true, align: XLAlignmentHorizontalValues.Left, size: 11);
        ws.Row(row - 1).Height = 30;
        Line(ws, row++, 1, PrevalenceHeadings.Length, MethodNote, italic: true, align: XLAlignmentHorizontalValues.Left, size: 11);
        ws.Row(row - 1).Height = 45;
        row++;
        var (cascadeUnits, prevalenceUnits) = Units(data, ncd);

        var cascades = ncd.Cascades().Where(r => cascadeUnits.Contains(r.UnitCode)).Select(r => ncd.Suppression.Disclose(r, audience)).ToList();
        row = SheetTable.Write(ws, row, "Chuỗi chăm sóc (người ≥ 18 tuổi có hồ sơ)", CascadeHeadings, cascades.SelectMany(v =>
            new[] { ("THA", v.Hypertension), ("ĐTĐ", v.Diabetes), ("Chương trình THA (tháng)", v.Programme) }
                .SelectMany(c => c.Item2.Select(s => new[]
                {
                    T($"{c.Item1}: {s.Name}"), T(v.UnitName), N(s.Count, s.Suppressed), N(s.Denominator, s.Suppressed && s.DenominatorName is not null),
                    P(s.Share, s.Suppressed && s.DenominatorName is not null), Yes(s.Suppressed), T(s.DenominatorName),
                }))));

        row = SheetTable.Write(ws, row, "Chỉ số và mẫu số", ["Mã", "Chỉ số", "Mẫu số"],
            Measure.All.Select(m => new[] { T(m.Key), T(m.Name), T(m.DenominatorName) }));

        var adults = AgeStandard.Group("18+");
        var estimates = Measure.All.SelectMany(m => ncd.Prevalence(m, "all", adults)
            .Where(e => prevalenceUnits.Contains(e.UnitCode))
            .Select(e => (m, e: ncd.Suppression.Disclose(e, m, adults, audience)))).ToList();
        SheetTable.Write(ws, row, "Tỷ lệ hiện mắc, người ≥ 18 tuổi, cả hai giới", PrevalenceHeadings, estimates.Select(x =>
        {
            var (m, e) = x;
            var h = e.Suppressed;
            return new[]
            {
                T(m.Key), T(e.UnitName), N(e.Cases, h), N(e.Denominator, h), P(e.Crude, h), P(e.CrudeLo, h), P(e.CrudeHi, h),
                P(e.Standardised, h), P(e.StandardisedLo, h), P(e.StandardisedHi, h), P(e.Smoothed, h), P(e.SmoothedLo, h),
                P(e.SmoothedHi, h), e.Shrinkage is { } b ? (Action<IXLCell>)(c => Number(c, b, "0.000")) : N(null, h), Yes(h),
            };
        }));
        ws.PageSetup.SetRowsToRepeatAtTop(1, 2);
    }
}
