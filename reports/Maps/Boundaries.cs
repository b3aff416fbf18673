using System.IO.Compression;
using System.Text;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>A WGS84 longitude/latitude pair, in degrees.</summary>
public readonly record struct GeoPoint(double Lon, double Lat);

/// <summary>One 2025 commune's boundary: one or more outer rings (islands), not closed (the last point joins the first).</summary>
public sealed record CommuneShape(string Code, IReadOnlyList<GeoPoint[]> Rings);

/// <summary>A 2025 province: its outline (the union of its communes, holes dropped) and its communes.</summary>
public sealed record ProvinceShape(string Code, IReadOnlyList<GeoPoint[]> Outline, IReadOnlyList<CommuneShape> Communes);

/// <summary>
/// The commune boundaries of the 2025 code system, read once from the embedded <c>communes-2025.bin.gz</c> (derived from
/// lamngockhuong/vietnam-3d-map, MIT; see <c>Maps/NOTICE.md</c> and THIRD-PARTY-NOTICES.md). Map ids are GSO commune codes;
/// the derivation already fixed the two that were not (<c>5665</c> → <c>05665</c>, <c>06970</c> → <c>06978</c>).
/// </summary>
public sealed class CommuneBoundaries
{
    const string Resource = "HoSoSucKhoe.Reports.Maps.communes-2025.bin.gz";
    static readonly Lazy<CommuneBoundaries> Embedded = new(() =>
    {
        using var s = typeof(CommuneBoundaries).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"Thiếu tài nguyên {Resource}.");
        return new CommuneBoundaries(BoundaryFile.Read(s));
    });

    readonly Dictionary<string, ProvinceShape> provinces;
    readonly Dictionary<string, string> provinceOfCommune;

    public CommuneBoundaries(IEnumerable<ProvinceShape> shapes)
    {
        provinces = shapes.ToDictionary(p => p.Code, StringComparer.Ordinal);
        provinceOfCommune = provinces.Values.SelectMany(p => p.Communes.Select(c => (c.Code, p.Code)))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
    }

    /// <summary>The boundaries embedded in the assembly (the 34 provinces and 3,321 communes of 2025).</summary>
    public static CommuneBoundaries Default => Embedded.Value;

    public IReadOnlyCollection<string> ProvinceCodes => provinces.Keys;

    /// <summary>A province's shapes, or null when the code is not a 2025 province.</summary>
    public ProvinceShape? Province(string code) => provinces.GetValueOrDefault(code);

    /// <summary>The 2025 province of a 2025 commune code, or null.</summary>
    public string? ProvinceOf(string communeCode) => provinceOfCommune.GetValueOrDefault(communeCode);
}

/// <summary>
/// The compact boundaries format, gzipped: magic <c>HSSKMAP1</c>, then a varint count of provinces; per province its
/// 2-character code, its outline rings and a varint count of communes; per commune its 5-character code and rings. A
/// ring is a varint point count followed by zigzag-varint deltas of longitude and latitude in units of 10⁻⁵ degree
/// (the first point's delta is from 0). Rings are stored open.
/// </summary>
public static class BoundaryFile
{
    static readonly byte[] Magic = "HSSKMAP1"u8.ToArray();
    const double Scale = 1e5;

    public static void Write(Stream output, IEnumerable<ProvinceShape> provinces)
    {
        using var gz = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true);
        using var w = new BinaryWriter(gz, Encoding.ASCII, leaveOpen: true);
        w.Write(Magic);
        var list = provinces.ToList();
        w.Write7BitEncodedInt(list.Count);
        foreach (var p in list)
        {
            w.Write(Encoding.ASCII.GetBytes(p.Code.PadLeft(2)));
            WriteRings(w, p.Outline);
            w.Write7BitEncodedInt(p.Communes.Count);
            foreach (var c in p.Communes)
            {
                w.Write(Encoding.ASCII.GetBytes(c.Code.PadLeft(5)));
                WriteRings(w, c.Rings);
            }
        }
    }

    public static List<ProvinceShape> Read(Stream input)
    {
        using var gz = new GZipStream(input, CompressionMode.Decompress);
        using var buffered = new BufferedStream(gz, 1 << 16);
        using var r = new BinaryReader(buffered, Encoding.ASCII);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("Tệp ranh giới không đúng định dạng HSSKMAP1.");
        var provinces = new List<ProvinceShape>();
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
        {
            var code = Encoding.ASCII.GetString(r.ReadBytes(2));
            var outline = ReadRings(r);
            var communes = new List<CommuneShape>();
            for (int j = 0, m = r.Read7BitEncodedInt(); j < m; j++)
                communes.Add(new CommuneShape(Encoding.ASCII.GetString(r.ReadBytes(5)), ReadRings(r)));
            provinces.Add(new ProvinceShape(code, outline, communes));
        }
        return provinces;
    }

    static void WriteRings(BinaryWriter w, IReadOnlyList<GeoPoint[]> rings)
    {
        w.Write7BitEncodedInt(rings.Count);
        foreach (var ring in rings)
        {
            w.Write7BitEncodedInt(ring.Length);
            long x = 0, y = 0;
            foreach (var p in ring)
            {
                long nx = (long)Math.Round(p.Lon * Scale), ny = (long)Math.Round(p.Lat * Scale);
                w.Write7BitEncodedInt64(ZigZag(nx - x));
                w.Write7BitEncodedInt64(ZigZag(ny - y));
                (x, y) = (nx, ny);
            }
        }
    }

    static List<GeoPoint[]> ReadRings(BinaryReader r)
    {
        var rings = new List<GeoPoint[]>();
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
        {
            var ring = new GeoPoint[r.Read7BitEncodedInt()];
            long x = 0, y = 0;
            for (var k = 0; k < ring.Length; k++)
            {
                x += UnZigZag(r.Read7BitEncodedInt64());
                y += UnZigZag(r.Read7BitEncodedInt64());
                ring[k] = new GeoPoint(x / Scale, y / Scale);
            }
            rings.Add(ring);
        }
        return rings;
    }

    static long ZigZag(long v) => (v << 1) ^ (v >> 63);
    static long UnZigZag(long v) => (long)((ulong)v >> 1) ^ -(v & 1);
}
