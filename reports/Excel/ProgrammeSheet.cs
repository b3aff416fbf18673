using System.Globalization;
using ClosedXML.Excel;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Reference;
using HoSoSucKhoe.Warehouse.Snapshots;
using static HoSoSucKhoe.Reports.Excel.SheetTable;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>
/// The hypertension and diabetes control programmes for epidemiologists (issue 16 §2): for each disease the latest
/// month of the province and its communes, the province's 18-month trend and the quarterly registration cohorts, all
/// from <see cref="ProgrammeQueries.Month"/>, <see cref="ProgrammeQueries.Trend"/> and <see cref="ProgrammeQueries.Cohorts"/>
/// for the request's audience with the sources the API passes (the snapshots of the province), so the figures and the
/// hidden cells are those of <c>/api/ncd/programme/{htn|dm}</c>. A hidden figure is written "ẩn", never a number.
/// </summary>
static class ProgrammeSheet
{
    /// <summary>The sheet's name (Excel refuses "/" in a sheet name, so not "THA/ĐTĐ").</summary>
    public const string Name = "Chương trình THA - ĐTĐ";

    public static readonly string[] MonthHeadings =
    [
        "Chương trình", "Đơn vị", "Tháng", "Nguồn số liệu", "Ngày tính", "Mẫu số", "Kiểm soát", "Tỷ lệ kiểm soát", "Chưa kiểm soát",
        "Tỷ lệ chưa kiểm soát", "Bỏ tái khám (3 tháng)", "Tỷ lệ bỏ tái khám", "Có khám, không đo/xét nghiệm", "Tỷ lệ có khám, không đo",
        "Mất dấu (12 tháng)", "Bị ẩn", "Quy đổi đơn vị (gần đúng)",
    ];

    public static readonly string[] CohortHeadings =
    [
        "Chương trình", "Đơn vị", "Quý đăng ký", "Kết quả trong quý", "Đăng ký mới", "Kiểm soát", "Tỷ lệ kiểm soát", "Chưa kiểm soát",
        "Tỷ lệ chưa kiểm soát", "Có khám, không đo/xét nghiệm", "Tỷ lệ có khám, không đo", "Bỏ tái khám", "Tỷ lệ bỏ tái khám", "Bị ẩn",
    ];

    public const string SourceNote =
        "Nguồn số liệu: \"ảnh chụp\" = ảnh chụp của chính tháng đó; \"lịch sử khám\" = tính lại từ lịch sử khám trong ảnh chụp mới nhất " +
        "vào ngày cuối tháng. Tỷ lệ trên mẫu số ghi ở cột Mẫu số (bệnh nhân đang quản lý). \"ẩn\": bị ẩn theo quy tắc bảo vệ bí mật " +
        "(số đếm từ 1 đến 4 và các ô có thể suy ra từ chúng, docs/definitions.md); \"–\": không có.";

    static string Source(string s) => s == ProgrammeSources.Snapshot ? "ảnh chụp" : "lịch sử khám";

    static string Month(DateOnly m) => m.ToString("MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The units of the sheet: the province and its communes, a legacy district's communes, or one commune.</summary>
    static Func<string, bool> Units(AppendixData data)
    {
        var children = data.Rows.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        return data.Level switch
        {
            Levels.Province => u => u == data.Code || children.Contains(u),
            Levels.District => children.Contains,
            _ => u => u == data.Code,
        };
    }

    public static void Write(XLWorkbook wb, AppendixData data, ProgrammeQueries programme, IReadOnlyList<LoadedSnapshot> sources, Audience audience)
    {
        var ws = NewSheet(wb, Name);
        Widths(ws, 16, 28, 12, 13, 12, 11, 11, 11, 11, 11, 11, 11, 13, 11, 11, 7, 11);
        var row = Title(ws, "CHƯƠNG TRÌNH QUẢN LÝ TĂNG HUYẾT ÁP VÀ ĐÁI THÁO ĐƯỜNG: KIỂM SOÁT THEO THÁNG VÀ NHÓM ĐĂNG KÝ", data, MonthHeadings.Length);
        Line(ws, row++, 1, MonthHeadings.Length, SourceNote, italic: true, align: XLAlignmentHorizontalValues.Left, size: 11);
        ws.Row(row - 1).Height = 45;
        row++;
        var inSheet = Units(data);
        var s = data.Snapshot;
        foreach (var d in ProgrammeDiseases.All)
        {
            var label = d == ProgrammeDiseases.Diabetes ? "Đái tháo đường" : "Tăng huyết áp";
            var month = programme.Month(s, sources, d, audience: audience);
            var rows = month.Rows.Where(r => inSheet(r.UnitCode)).ToList();
            Line(ws, row++, 1, MonthHeadings.Length, $"{label}: mẫu số = {rows.FirstOrDefault()?.DenominatorName}", italic: true,
                align: XLAlignmentHorizontalValues.Left, size: 11);
            row = SheetTable.Write(ws, row, $"{label}: tháng {Month(month.ReferenceMonth)}, toàn tỉnh và theo xã", MonthHeadings, rows.Select(r => MonthCells(label, r)));
            if (data.Level == Levels.Province)
            {
                var trend = programme.Trend(s, sources, d, data.Code, audience: audience);
                row = SheetTable.Write(ws, row, $"{label}: xu hướng {ProgrammeQueries.TrendMonths} tháng, toàn tỉnh ({Month(trend.From)}–{Month(trend.To)})",
                    MonthHeadings, trend.Rows.Select(r => MonthCells(label, r)));
            }
            var cohorts = programme.Cohorts(s, sources, d, audience: audience);
            row = SheetTable.Write(ws, row, $"{label}: nhóm đăng ký mới theo quý, kết quả ở quý tiếp theo", CohortHeadings,
                cohorts.Rows.Where(r => inSheet(r.UnitCode)).Select(r => CohortCells(label, r)));
        }
        ws.SheetView.FreezeRows(3);
        ws.PageSetup.SetRowsToRepeatAtTop(1, 2);
    }

    static Action<IXLCell>[] MonthCells(string label, ProgrammeMonth r)
    {
        var h = r.Suppressed;
        return
        [
            T(label), T(r.UnitName), T(Month(r.Month)), T(Source(r.Source)), D(r.EvaluatedAt), N(r.Denominator, h), N(r.Controlled, h),
            P(r.ControlledShare, h), N(r.Uncontrolled, h), P(r.UncontrolledShare, h), N(r.MissedVisit, h), P(r.MissedVisitShare, h),
            N(r.VisitedWithoutMeasurement, h), P(r.VisitedWithoutMeasurementShare, h), N(r.LostToFollowUp, h), Yes(h),
            Yes(r.Bridged ? r.Approximate : null),
        ];
    }

    static Action<IXLCell>[] CohortCells(string label, ProgrammeCohort r)
    {
        var h = r.Suppressed;
        return
        [
            T(label), T(r.UnitName), T($"Quý {(r.RegisteredFrom.Month - 1) / 3 + 1}/{r.RegisteredFrom.Year}"),
            T($"{r.OutcomeFrom.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}–{r.OutcomeTo.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}"),
            N(r.Registered, h), N(r.Controlled, h), P(r.ControlledShare, h), N(r.Uncontrolled, h), P(r.UncontrolledShare, h),
            N(r.VisitedWithoutMeasurement, h), P(r.VisitedWithoutMeasurementShare, h), N(r.MissedVisit, h), P(r.MissedVisitShare, h), Yes(h),
        ];
    }
}
