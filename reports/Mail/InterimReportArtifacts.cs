using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using HoSoSucKhoe.Reports.Tables;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>
/// Stand-in for the real chart and workbook, TO BE REPLACED by the lead when reports/Charts and reports/Excel merge
/// (bind theirs as <see cref="IReportArtifacts"/> in <see cref="MailServices.AddMail"/>). It renders what exists today:
/// the appendix as CSV (<see cref="AppendixTable"/> through <see cref="TableWriter"/>, UTF-8 with a BOM so that Excel
/// shows Vietnamese) and a small bar chart of coverage per snapshot with the first target as a line, drawn pixel by pixel.
/// </summary>
public sealed class InterimReportArtifacts : IReportArtifacts
{
    const int Width = 360, Height = 160, Margin = 10;

    public ReportFile AppendixWorkbook(CoverageTable appendix)
    {
        var csv = TableWriter.Csv(AppendixTable.Of(appendix));
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray();
        return new ReportFile($"phu-luc-{appendix.Parent}-{appendix.Snapshot.AsOf:yyyy-MM-dd}.csv", "text/csv; charset=utf-8", bytes);
    }

    public byte[] CoverageChartPng(UnitSeries series)
    {
        var pixels = new byte[Width * Height * 3];
        Array.Fill(pixels, (byte)255);
        var points = series.Points.TakeLast(24).ToList();
        var max = Math.Max(100m, points.Select(p => p.Row.CoveragePct ?? 0).DefaultIfEmpty(0).Max());
        int Y(decimal pct) => Height - Margin - (int)Math.Round((double)(pct / max) * (Height - 2 * Margin));
        var slot = points.Count == 0 ? 0 : (Width - 2 * Margin) / points.Count;
        for (var i = 0; i < points.Count; i++)
        {
            var top = Y(points[i].Row.CoveragePct ?? 0);
            for (var x = Margin + i * slot + 2; x < Margin + (i + 1) * slot - 2; x++)
                for (var y = top; y < Height - Margin; y++) Set(pixels, x, y, 0x2B, 0x6C, 0xB0);
        }
        if (series.Projections.FirstOrDefault(p => p.Target.Measure == TargetMeasures.Coverage) is { } target)
            for (var x = Margin; x < Width - Margin; x++) Set(pixels, x, Y((decimal)target.Target.Percent), 0xC0, 0x39, 0x2B);
        for (var x = Margin; x < Width - Margin; x++) Set(pixels, x, Height - Margin, 0x33, 0x33, 0x33);
        return Png(pixels);
    }

    static void Set(byte[] p, int x, int y, byte r, byte g, byte b)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height) return;
        var i = (y * Width + x) * 3;
        (p[i], p[i + 1], p[i + 2]) = (r, g, b);
    }

    /// <summary>An 8-bit RGB PNG: signature, IHDR, one zlib IDAT (filter 0 per row), IEND.</summary>
    static byte[] Png(byte[] rgb)
    {
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
            for (var y = 0; y < Height; y++)
            {
                z.WriteByte(0);
                z.Write(rgb, y * Width * 3, Width * 3);
            }
        using var png = new MemoryStream();
        png.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        (header[8], header[9]) = (8, 2);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(four, Crc32(typed));
        s.Write(four);
    }

    static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    })];

    static uint Crc32(byte[] data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
