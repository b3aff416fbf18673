using System.Globalization;
using ClosedXML.Excel;
using HoSoSucKhoe.Models.Disclosure;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Reports.Excel.SheetTable;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>Trend, priority groups, completeness and data quality: each the API's object for the unit, laid out.</summary>
static class SupportSheets
{
    public const string TrendName = "Xu hướng", PriorityName = "Nhóm ưu tiên", CompletenessName = "Đầy đủ thông tin",
        DataQualityName = "Chất lượng dữ liệu";

    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static readonly string[] TrendHeadings =
    [
        "Ngày số liệu", "Ảnh chụp", "Hệ mã", "Qua bảng chuyển đổi", "Dân số", "Tổng số hồ sơ đã được liên thông",
        "Dân số đã khám tạo lập hồ sơ", "Dân số đã được quản lý sức khỏe", "Tỷ lệ % đã được quản lý sức khỏe", "Gần đúng",
    ];

    public static readonly string[] ProjectionHeadings =
    [
        "Chỉ tiêu", "Mức", "Hạn", "Tình trạng", "Ngày dự kiến đạt", "Đúng hạn", "Tốc độ (điểm %/năm)", "Giá trị hiện tại",
        "Mẫu số", "Còn thiếu (người)", "Kế hoạch",
    ];

    public static string Status(string status) => status switch
    {
        "reached" => "Đã đạt",
        "projected" => "Dự kiến đạt",
        "not_rising" => "Không tăng: chưa dự kiến được",
        "too_few_points" => "Chưa đủ 3 ảnh chụp trong 12 tháng",
        "too_slow" => "Tăng quá chậm (sau năm 2100)",
        _ => status,
    };

    public static void Trend(XLWorkbook wb, AppendixData data, UnitSeries series, UnitTargetsReport targets)
    {
        var ws = NewSheet(wb, TrendName);
        Widths(ws, 13, 18, 9, 12, 14, 16, 16, 16, 14, 10, 40);
        var row = Title(ws, "ĐỘ BAO PHỦ QUA CÁC ẢNH CHỤP VÀ NGÀY DỰ KIẾN ĐẠT CHỈ TIÊU", data, TrendHeadings.Length);
        var header = row + 1;
        row = Write(ws, row, $"{series.Name}: độ bao phủ theo từng ảnh chụp", TrendHeadings, series.Points.Select(p => new[]
        {
            D(p.AsOf), T(p.SnapshotId), T(p.CodeSystem == "legacy" ? "cũ" : p.CodeSystem), Yes(p.Bridged), N(p.Row.Population),
            N(p.Row.RecordsLinked), N(p.Row.Examined), N(p.Row.Managed), Pct(p.Row.CoveragePct), Yes(p.Row.Approximate),
        }));
        row = Write(ws, row, "Các chỉ tiêu áp dụng: giá trị của ảnh chụp, số người còn thiếu và ngày dự kiến đạt (đường thẳng bình phương tối thiểu qua các ảnh chụp 12 tháng gần nhất)",
            ProjectionHeadings, targets.Targets.Select(t => new[]
            {
                T(t.MeasureLabel), T($"{t.Target.Percent.ToString("0.##", Vi)} %"), D(t.Target.DueDate), T(Status(t.Projection.Status)),
                D(t.Projection.Date), Yes(t.Projection.OnTime),
                t.Projection.SlopePerYear is { } s ? (Action<IXLCell>)(c => Number(c, s, "0.00")) : T(None),
                Pct(t.ValuePct), N(t.Denominator), N(t.Gap), T(t.Plan),
            }));
        ws.SheetView.FreezeRows(header);
        ws.PageSetup.SetRowsToRepeatAtTop(1, 2);
    }

    public static readonly string[] GroupHeadings =
    [
        "Nhóm", "Đối tượng", "Số hồ sơ", "Tỷ lệ trong hồ sơ đã liên thông", "Nhóm tuổi lõi", "Dân số nhóm tuổi lõi",
        "Đã quản lý (nhóm tuổi lõi)", "Độ bao phủ nhóm tuổi lõi",
    ];

    public static readonly string[] AgeSexHeadings =
        ["Nhóm tuổi", "Giới", "Dân số", "Hồ sơ đã liên thông", "Đã quản lý", "Độ bao phủ", "Nhóm 1", "Nhóm 2", "Nhóm 3"];

    public static string Sex(int sex) => sex switch { 1 => "Nam", 2 => "Nữ", _ => "Không xác định" };

    public static void PriorityGroups(XLWorkbook wb, AppendixData data, PriorityGroupsView view)
    {
        var ws = NewSheet(wb, PriorityName);
        Widths(ws, 10, 34, 13, 14, 12, 14, 14, 14, 12);
        var row = Title(ws, "NHÓM ĐỐI TƯỢNG ƯU TIÊN (KẾ HOẠCH 3160/KH-UBND)", data, GroupHeadings.Length);
        row = Write(ws, row, $"Tổng số hồ sơ đã liên thông: {view.RecordsLinked.ToString("N0", Vi)}", GroupHeadings, view.Groups.Select(g => new[]
        {
            T($"Nhóm {g.Group}"), T(g.Label), N(g.Records, suppressed: g.Records is null), P(g.SharePct is { } s ? (double)(s / 100m) : null, g.Records is null),
            T(g.AgeCore), N(g.CorePopulation), N(g.CoreManaged), Pct(g.CoreCoveragePct),
        }));
        if (!view.HasAgeSexDenominators)
        {
            Line(ws, row++, 1, GroupHeadings.Length, "Đơn vị chưa có dân số theo tuổi và giới: độ bao phủ theo nhóm tuổi không tính được.",
                italic: true, align: XLAlignmentHorizontalValues.Left, size: 11);
            row++;
        }
        // A hidden group count is null in the API's object: written "ẩn", never a number.
        Write(ws, row, "Theo nhóm tuổi và giới", AgeSexHeadings, view.AgeSex.Select(x => new[]
        {
            T(x.AgeBand ?? "Không rõ"), T(Sex(x.Sex)), N(x.Population), N(x.RecordsLinked), N(x.Managed), Pct(x.CoveragePct),
            N(x.PriorityGroup1, x.PriorityGroup1 is null), N(x.PriorityGroup2, x.PriorityGroup2 is null), N(x.PriorityGroup3, x.PriorityGroup3 is null),
        }));
        ws.PageSetup.SetRowsToRepeatAtTop(1, 2);
    }

    public static readonly string[] CompletenessHeadings = ["Nhóm thông tin bắt buộc", "Số hồ sơ đầy đủ", "Tỷ lệ trong hồ sơ đã liên thông"];

    public static void Completeness(XLWorkbook wb, AppendixData data, CompletenessReport report)
    {
        var ws = NewSheet(wb, CompletenessName);
        Widths(ws, 36, 18, 18);
        var row = Title(ws, "MỨC ĐỘ ĐẦY ĐỦ CÁC NHÓM THÔNG TIN BẮT BUỘC", data, CompletenessHeadings.Length);
        Write(ws, row, $"Tổng số hồ sơ đã liên thông: {report.RecordsLinked.ToString("N0", Vi)}", CompletenessHeadings,
            report.Groups.Select(g => new[] { T(g.Label), N(g.Complete), Pct(g.SharePct) }));
    }

    public static readonly string[] DataQualityHeadings = ["Kiểm tra", "Số lượng", "Đếm theo", "Tỷ lệ trên tổng số hồ sơ"];

    public static string CountOf(string of) => of switch { "records" => "hồ sơ", "encounters" => "lượt khám", "labs" => "xét nghiệm", _ => of };

    public static void DataQuality(XLWorkbook wb, AppendixData data, DataQualityReport report)
    {
        var ws = NewSheet(wb, DataQualityName);
        Widths(ws, 44, 14, 12, 16);
        var row = Title(ws, "CHẤT LƯỢNG DỮ LIỆU (ĐÚNG, ĐỦ, SẠCH, SỐNG)", data, DataQualityHeadings.Length);
        Write(ws, row, $"Tổng số hồ sơ (kể cả đã tử vong): {report.RecordsAll.ToString("N0", Vi)}", DataQualityHeadings,
            report.Checks.Select(c => new[] { T(c.Label), N(c.Count), T(CountOf(c.CountOf)), Pct(c.SharePct) }));
    }
}
