using System.Globalization;
using HoSoSucKhoe.Warehouse.Xml130;

namespace HoSoSucKhoe.Api.Cli;

/// <summary>
/// <c>xml130 &lt;file-or-folder&gt;... --persons &lt;snapshot-dir&gt; --out &lt;snapshot-dir&gt; [--as-of &lt;yyyy-MM-dd&gt;]
/// [--max-reject-share &lt;0..1&gt;]</c>: converts GIAMDINHHS envelopes (XML 130 / QĐ 4750) into a hssk-snapshot/1 folder
/// (docs/xml130.md) and prints what it did in Vietnamese; the JSON report lies beside --out.
/// </summary>
public static class Xml130Command
{
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static int Run(CliArgs a, TextWriter output, TextWriter error)
    {
        var persons = a.Required("--persons");
        var outDir = a.Required("--out");
        DateOnly? asOf = a.Optional("--as-of") is { } d
            ? DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
                : throw new CliUsageException($"Tham số --as-of: '{d}' phải có dạng yyyy-MM-dd.")
            : null;
        var share = a.Optional("--max-reject-share") is { } s
            ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1 ? v
                : throw new CliUsageException($"Tham số --max-reject-share: '{s}' phải là số từ 0 đến 1 (dùng dấu chấm, ví dụ 0.01).")
            : 0.01;
        a.NoOthers();
        if (a.Positional.Count == 0) throw new CliUsageException("Lệnh xml130: cần ít nhất một tệp hoặc thư mục XML 130.");
        Xml130Report report;
        try
        {
            using var progress = new LineProgress(output);
            report = Xml130Converter.Convert(new Xml130Options(a.Positional, persons, outDir, asOf, share), progress);
        }
        catch (Xml130FailedException e)
        {
            Summary(output, e.Report);
            error.WriteLine(e.Message);
            return 1;
        }
        Summary(output, report);
        output.WriteLine($"Đã ghi ảnh chụp {report.SnapshotId} vào {report.Snapshot}; báo cáo: {report.Snapshot}{Xml130Report.Suffix}");
        return 0;
    }

    static void Summary(TextWriter o, Xml130Report r)
    {
        string N(long n) => n.ToString("N0", Vi);
        string P(long n) => r.Kept == 0 ? "0 %" : ((double)n / r.Kept).ToString("P1", Vi);
        o.WriteLine($"Tệp đã đọc: {N(r.Files)} (bị loại cả tệp: {N(r.FilesRejected)}; định dạng QĐ 4210: {N(r.Files4210)})");
        o.WriteLine($"Hồ sơ (HOSO): {N(r.Episodes)}; bị loại: {N(r.Rejected)} ({r.RejectShare.ToString("P2", Vi)}, ngưỡng {r.MaxRejectShare.ToString("P2", Vi)}); gửi lại thay thế bản trước: {N(r.Replaced)}; thay lượt khám đã có: {N(r.ReplacedHistory)}");
        o.WriteLine($"Hồ sơ giữ lại: {N(r.Kept)}; ghép được với hồ sơ sức khỏe: {N(r.Matched)} ({P(r.Matched)})");
        o.WriteLine($"  theo số CCCD: {N(r.MatchedBy["citizen_id"])} ({P(r.MatchedBy["citizen_id"])}); theo thẻ BHYT: {N(r.MatchedBy["insurance_card"])} ({P(r.MatchedBy["insurance_card"])}); theo họ tên + ngày sinh + xã: {N(r.MatchedBy["name_birth_commune"])} ({P(r.MatchedBy["name_birth_commune"])}); nhiều hồ sơ cùng khớp: {N(r.Ambiguous)}");
        o.WriteLine($"  không có hồ sơ sức khỏe: {N(r.Unmatched)} ({P(r.Unmatched)})");
        var rows = r.Rows;
        o.WriteLine($"Dòng chi tiết đã đọc: XML2 (thuốc) {N(rows.Xml2)}, XML4 (cận lâm sàng) {N(rows.Xml4)}, XML5 (diễn biến lâm sàng) {N(rows.Xml5)}; kết quả giữ mã riêng (kho dữ liệu lưu, không diễn giải): {N(rows.Xml4Uninterpreted)}");
        o.WriteLine($"Dòng bỏ qua, không ghi: {N(rows.SkippedTotal)} (thuốc thiếu TEN_THUOC: {N(rows.Skipped["xml2_without_drug_name"])}; cận lâm sàng chưa có kết quả GIA_TRI: {N(rows.Skipped["xml4_without_value"])}; cận lâm sàng không có mã hay tên chỉ số: {N(rows.Skipped["xml4_without_test"])}; dòng mang MA_LK khác XML1: {N(rows.Skipped["other_ma_lk"])})");
        if (r.Succeeded) o.WriteLine($"Đã ghi: {N(r.Encounters)} lượt khám, {N(r.Labs)} xét nghiệm, {N(r.Medications)} dòng thuốc.");
        if (r.UnrecordedVisitors.Count > 0)
        {
            o.WriteLine("Người đến khám chưa có hồ sơ sức khỏe, theo xã nơi cư trú (10 xã nhiều nhất):");
            foreach (var v in r.UnrecordedVisitors.Take(10))
                o.WriteLine($"  {v.WardCode ?? "(mã xã không xác định)"} {v.WardName}: {N(v.People)} người, {N(v.Episodes)} lượt");
        }
        foreach (var x in r.Rejects.Take(10))
            o.WriteLine($"  loại: {x.File} HOSO {x.Position?.ToString(Vi) ?? "?"} MA_LK {x.MaLk ?? "?"} [{x.Field}]: {x.Reason}");
        if (r.Rejects.Count > 10) o.WriteLine($"  … và {N(r.Rejects.Count - 10)} hồ sơ bị loại khác (xem báo cáo JSON).");
    }
}
