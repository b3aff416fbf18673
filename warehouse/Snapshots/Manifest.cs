using System.Globalization;
using System.Text;
using System.Text.Json;
using HoSoSucKhoe.Warehouse.Reference;

namespace HoSoSucKhoe.Warehouse.Snapshots;

public sealed record ManifestFile(string Name, long Rows, string Sha256);

/// <summary>manifest.json of a snapshot folder, validated against the contract.</summary>
public sealed record Manifest(string SnapshotId, string ProvinceCode, DateOnly AsOf, string AdminCodes, string? Source,
    IReadOnlyList<ManifestFile> Files)
{
    public const string FileName = "manifest.json";

    /// <summary>The folder the manifest was read from (after-load steps read optional files of the snapshot there).</summary>
    public string? Folder { get; init; }

    /// <summary>"file:sha;file:sha" sorted by file: the identity of the content.</summary>
    public string Checksums => string.Join(';', Files.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => $"{f.Name}:{f.Sha256}"));

    public ManifestFile File(string name) => Files.First(f => f.Name == name);

    public static Manifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder))
            throw Reject(null, $"không tìm thấy thư mục ảnh chụp '{folder}'.", $"snapshot folder {folder} does not exist");
        if (!System.IO.File.Exists(path))
            throw Reject(null, "không có tệp manifest.json trong thư mục ảnh chụp.", $"{path} not found");
        JsonElement root;
        var bytes = System.IO.File.ReadAllBytes(path);
        try
        {
            _ = Strict.GetCharCount(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var line = 1 + bytes.AsSpan(0, Math.Clamp(e.Index, 0, bytes.Length)).Count((byte)'\n');
            throw Reject(null, $"manifest.json không phải văn bản UTF-8 hợp lệ (dòng {line}).", "invalid UTF-8 at byte " + e.Index);
        }
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Reject(null, $"manifest.json không phải JSON hợp lệ (dòng {e.LineNumber + 1}).", e.Message);
        }
        if (root.ValueKind != JsonValueKind.Object) throw Reject(null, "manifest.json phải là một đối tượng JSON.", "manifest root is not an object");

        var format = String(root, "format");
        if (format != SnapshotContract.Format)
            throw Reject("format", $"định dạng '{format}' không được hỗ trợ, cần '{SnapshotContract.Format}'.", $"unsupported format {format}");
        var id = String(root, "snapshot_id");
        if (id.Length == 0 || id.Length > 100 || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw Reject("snapshot_id", $"mã ảnh chụp '{id}' không hợp lệ (chỉ chữ, số, '-', '_', '.').", "invalid snapshot_id");
        var province = String(root, "province_code");
        if (province.Length != 2 || !province.All(char.IsAsciiDigit))
            throw Reject("province_code", $"mã tỉnh '{province}' phải gồm 2 chữ số.", "province_code must be 2 digits");
        var asOfText = String(root, "as_of");
        if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
            throw Reject("as_of", $"ngày '{asOfText}' phải có dạng yyyy-MM-dd.", "as_of is not yyyy-MM-dd");
        var codes = String(root, "admin_codes");
        if (codes is not (ReferenceData.System2025 or ReferenceData.SystemLegacy))
            throw Reject("admin_codes", $"hệ mã '{codes}' không hợp lệ, cần \"2025\" hoặc \"legacy\".", "admin_codes must be 2025 or legacy");
        if (codes == ReferenceData.System2025 && asOf < ReferenceData.ReformDate)
            throw Reject("admin_codes", $"ảnh chụp ngày {asOf:dd/MM/yyyy} trước 01/07/2025 phải dùng hệ mã cũ (\"legacy\"), không phải \"2025\".",
                "wrong code system: snapshots before 2025-07-01 use legacy codes");
        var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? Text(s, "source") : null;

        if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Object)
            throw Reject("files", "thiếu mục 'files'.", "files object missing");
        var list = new List<ManifestFile>();
        foreach (var expected in SnapshotContract.Files)
        {
            if (!files.TryGetProperty(expected.Name, out var f) || f.ValueKind != JsonValueKind.Object)
                throw Reject($"files.{expected.Name}", $"manifest không khai báo tệp {expected.Name}.", $"files.{expected.Name} missing");
            if (!f.TryGetProperty("rows", out var rows) || rows.ValueKind != JsonValueKind.Number || !rows.TryGetInt64(out var n) || n < 0)
                throw Reject($"files.{expected.Name}.rows", "số dòng phải là số nguyên không âm.", "rows must be a non-negative integer");
            var sha = f.TryGetProperty("sha256", out var h) && h.ValueKind == JsonValueKind.String ? Text(h, $"files.{expected.Name}.sha256").ToLowerInvariant() : "";
            if (sha.Length != 64 || !sha.All(char.IsAsciiHexDigit))
                throw Reject($"files.{expected.Name}.sha256", "mã băm SHA-256 phải gồm 64 ký tự hệ 16.", "sha256 must be 64 hex characters");
            list.Add(new ManifestFile(expected.Name, n, sha));
        }
        return new Manifest(id, province, asOf, codes, source, list) { Folder = folder };
    }

    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static string String(JsonElement root, string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? Text(v, key)
            : throw Reject(key, $"thiếu khoá '{key}' (chuỗi).", $"manifest key {key} missing or not a string");

    /// <summary>A string value; an escape that is no text (a lone surrogate such as \uD800) is refused, not thrown.</summary>
    static string Text(JsonElement v, string key)
    {
        try { return v.GetString()!; }
        catch (InvalidOperationException e)
        {
            throw Reject(key, "giá trị chứa ký tự không hợp lệ (mã \\u không tạo thành ký tự).", e.Message);
        }
    }

    static SnapshotRejectedException Reject(string? key, string vi, string en) =>
        new(FileName, key is null ? null : "khoá " + key, null, vi, en);
}
