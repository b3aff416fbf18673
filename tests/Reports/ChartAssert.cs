using System.Buffers.Binary;
using System.Text;
using System.Xml.Linq;
using HoSoSucKhoe.Reports.Charts;

namespace HoSoSucKhoe.Tests.Reports;

/// <summary>Checks on rendered images: PNG signature and pixel size, SVG parsed as XML with its text and fills.</summary>
static class ChartAssert
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Asserts a PNG and returns its (width, height) from the IHDR chunk.</summary>
    public static (int Width, int Height) Png(byte[] bytes)
    {
        Assert.True(bytes.Length > 1000, $"PNG of {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    public static XDocument Svg(byte[] bytes)
    {
        var doc = XDocument.Parse(Encoding.UTF8.GetString(bytes));
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        return doc;
    }

    /// <summary>Every text element's content, whitespace trimmed.</summary>
    public static List<string> Texts(XDocument svg) =>
        [.. svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim())];

    public static void HasText(XDocument svg, string expected) =>
        Assert.True(Texts(svg).Any(t => t.Contains(expected, StringComparison.Ordinal)),
            $"no SVG text contains '{expected}'; texts: {string.Join(" | ", Texts(svg).Take(60))}");

    /// <summary>Fill colours (upper-case #RRGGBB) of the filled path elements, in document order.</summary>
    public static List<string> PathFills(XDocument svg) =>
        [.. svg.Descendants().Where(e => e.Name.LocalName == "path" && (string?)e.Attribute("fill") is { } f && f != "none")
            .Select(e => Normalise((string)e.Attribute("fill")!))];

    public static List<string> RectFills(XDocument svg) =>
        [.. svg.Descendants().Where(e => e.Name.LocalName == "rect" && (string?)e.Attribute("fill") is { } f && f != "none")
            .Select(e => Normalise((string)e.Attribute("fill")!))];

    public static string Normalise(string colour) => colour.Length == 9 && colour.EndsWith("FF", StringComparison.OrdinalIgnoreCase)
        ? colour[..7].ToUpperInvariant() : colour.ToUpperInvariant();

    /// <summary>Writes the image to $HSSK_CHART_DIR when set, to look at it.</summary>
    public static void Keep(string name, byte[] bytes, ChartFormat format)
    {
        if (Environment.GetEnvironmentVariable("HSSK_CHART_DIR") is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name + ChartFormats.Extension(format)), bytes);
        }
    }
}
