using System.Globalization;
using ClosedXML.Excel;
using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;
using static HoSoSucKhoe.Reports.Excel.WorkbookStyle;

namespace HoSoSucKhoe.Reports.Excel;

/// <summary>What the figures are and where they come from: the definitions (docs/definitions.md, in short), the
/// snapshot and its as-of date, the data version, the generation time and who asked.</summary>
static class NotesSheet
{
    public const string Name = "Ghi chú";

    /// <summary>Labels of the facts block, in order (tests read the values beside them).</summary>
    public const string Unit = "Đơn vị", Snapshot = "Ảnh chụp dữ liệu", AsOf = "Số liệu đến ngày", CodeSystem = "Hệ mã đơn vị hành chính",
        DataVersion = "Phiên bản dữ liệu", MartVersion = "Phiên bản định nghĩa chỉ số", GeneratedAt = "Thời điểm tạo",
        RequestedBy = "Người yêu cầu", Disclosure = "Bảo vệ bí mật số liệu sức khỏe", Targets = "Chỉ tiêu";

    static readonly string[] Definitions =
    [
        "(3) Dân số: mẫu số của năm của ngày số liệu; khi chưa có, năm gần nhất trước đó; không có thì ghi \"Chưa có số liệu dân số\" và không tính tỷ lệ. Dân số của dòng tổng là tổng dân số của các xã có mẫu số.",
        "(4) Tổng số hồ sơ đã được liên thông: hồ sơ của đơn vị còn sống tại ngày số liệu (mỗi hồ sơ tính một lần; người có hai hồ sơ được tính hai lần).",
        "(5) Dân số đã khám tạo lập hồ sơ: trong (4), hồ sơ có ngày khám tạo lập không sau ngày số liệu.",
        "(6) Dân số đã được quản lý sức khỏe: trong (4), hồ sơ đã xác thực với Cơ sở dữ liệu quốc gia về dân cư.",
        "(7) = (6)/(3) × 100 %: công thức Excel trên chính dòng đó, hiển thị hai chữ số thập phân; trên 100 % vẫn giữ nguyên và được đánh dấu.",
        "Chỉ tiêu: chưa đạt khi (6) < chỉ tiêu × (3); số người còn thiếu = làm tròn lên (chỉ tiêu × (3)) − (6).",
        "Ngày dự kiến đạt chỉ tiêu: đường thẳng bình phương tối thiểu của tỷ lệ theo thời gian qua các ảnh chụp 12 tháng gần nhất (ít nhất 3).",
        "Nhóm ưu tiên (Kế hoạch 3160/KH-UBND): nhóm 1 = từ 50 tuổi hoặc có bệnh nền; nhóm 2 = phụ nữ có thai, trẻ em dưới 16 tuổi; nhóm 3 = người dân còn lại.",
        "Đầy đủ thông tin: tỷ lệ hồ sơ đã liên thông có đủ từng nhóm thông tin bắt buộc; chất lượng dữ liệu: đếm trên mọi hồ sơ của đơn vị (kể cả đã tử vong).",
        "\"ẩn\": số liệu bị ẩn theo quy tắc bảo vệ bí mật (số đếm thông tin sức khỏe từ 1 đến 4 và các ô có thể suy ra chúng); \"–\": không tính được.",
        Burden.VisitBiasNote,
    ];

    public static void Write(XLWorkbook wb, AppendixData data, AppendixWorkbookRequest request, DateTimeOffset generatedAt)
    {
        var ws = NewSheet(wb, Name);
        ws.Column(1).Width = 34;
        ws.Column(2).Width = 110;
        ws.PageSetup.PageOrientation = XLPageOrientation.Portrait;
        Line(ws, 1, 1, 2, "GHI CHÚ VÀ ĐỊNH NGHĨA", bold: true, size: 13);
        var vi = CultureInfo.GetCultureInfo("vi-VN");
        (string, string)[] facts =
        [
            (Unit, $"{data.Name} (mã {data.Code})"),
            (Snapshot, data.Snapshot.SnapshotId),
            (AsOf, data.Snapshot.AsOf.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)),
            (CodeSystem, data.Snapshot.CodeSystem == "legacy" ? "mã cũ (trước 01/07/2025)" : "mã 2025"),
            (DataVersion, request.DataVersion ?? "không ghi"),
            (MartVersion, KpiMarts.Version),
            (GeneratedAt, generatedAt.ToString("dd/MM/yyyy HH:mm:ss zzz", CultureInfo.InvariantCulture)),
            (RequestedBy, request.RequestedBy is { Length: > 0 } who ? who : "không ghi"),
            (Disclosure, request.Audience.OwnCommune is { } own
                ? $"cán bộ của xã {own}: số liệu của xã mình không bị ẩn; các đơn vị khác bị ẩn theo quy tắc"
                : "số đếm thông tin sức khỏe nhỏ bị ẩn theo quy tắc (docs/definitions.md)"),
            (Targets, string.Join("; ", data.Targets.Select(t => $"{t.Percent.ToString("0.##", vi)} % trước 31/12/{t.Year}"))),
        ];
        var row = 3;
        foreach (var (label, value) in facts)
        {
            Text(ws.Cell(row, 1), label);
            ws.Cell(row, 1).Style.Font.Bold = true;
            Text(ws.Cell(row, 2), value);
            row++;
        }
        row++;
        Text(ws.Cell(row, 1), "Định nghĩa");
        ws.Cell(row++, 1).Style.Font.Bold = true;
        foreach (var d in Definitions)
        {
            Line(ws, row, 1, 2, d, align: XLAlignmentHorizontalValues.Left);
            ws.Row(row++).Height = 32;
        }
    }
}
