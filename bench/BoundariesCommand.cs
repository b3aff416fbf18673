using System.Text.Json;
using HoSoSucKhoe.Reports.Maps;
using HoSoSucKhoe.Warehouse.Reference;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Simplify;

namespace HoSoSucKhoe.Bench;

/// <summary>
/// Derives <c>reports/Maps/communes-2025.bin.gz</c> from the vietnam-3d-map commune boundaries (<c>wards/NN.json</c>):
/// ids mapped to GSO codes (the two known exceptions fixed), every map commune checked against the 2025 units of the
/// reference data (and every 2025 commune required on the map), coordinates kept at 5 decimals, and each province's
/// outline computed as the union of its communes (gaps under ~40 m between neighbours closed, holes dropped, simplified
/// at 0.0002°). Run: <c>dotnet run -c Release --project bench -- boundaries [--source dir] [--out file]</c>.
/// </summary>
static class BoundariesCommand
{
    /// <summary>Map ids that are not the GSO code (../shared/data/adminunits/SOURCE.txt).</summary>
    static readonly Dictionary<string, string> IdFixes = new() { ["5665"] = "05665", ["06970"] = "06978" };

    public static int Run(string source, string output)
    {
        var units = ReferenceData.Load().Units.Where(u => u.CodeSystem == ReferenceData.System2025 && u.Level == Levels.Commune)
            .GroupBy(u => u.Code).ToDictionary(g => g.Key, g => g.First().ProvinceCode);
        var factory = new GeometryFactory();
        var provinces = new List<ProvinceShape>();
        var seen = new HashSet<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(source, "wards"), "??.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var province = doc.RootElement.GetProperty("provinceId").GetString()!;
            var communes = new List<CommuneShape>();
            var polygons = new List<Geometry>();
            foreach (var w in doc.RootElement.GetProperty("wards").EnumerateArray())
            {
                var id = w.GetProperty("id").GetString()!;
                var code = IdFixes.GetValueOrDefault(id, id);
                if (!units.TryGetValue(code, out var p) || p != province)
                    throw new InvalidDataException($"{file}: commune id {id} is not a 2025 commune of province {province}");
                if (!seen.Add(code)) throw new InvalidDataException($"{file}: commune {code} twice");
                var rings = new List<GeoPoint[]>();
                foreach (var ring in w.GetProperty("polygons").EnumerateArray())
                {
                    var pts = ring.EnumerateArray().Select(xy => new GeoPoint(Math.Round(xy[0].GetDouble(), 5), Math.Round(xy[1].GetDouble(), 5)))
                        .ToList();
                    if (pts.Count > 1 && pts[0] == pts[^1]) pts.RemoveAt(pts.Count - 1);
                    pts = pts.Where((q, i) => i == 0 || q != pts[i - 1]).ToList();
                    if (pts.Count < 3) continue;
                    rings.Add([.. pts]);
                    var coords = pts.Append(pts[0]).Select(q => new Coordinate(q.Lon, q.Lat)).ToArray();
                    polygons.Add(factory.CreatePolygon(coords).Buffer(0));
                }
                communes.Add(new CommuneShape(code, rings));
            }
            provinces.Add(new ProvinceShape(province, Outline(polygons), [.. communes.OrderBy(c => c.Code, StringComparer.Ordinal)]));
            Console.WriteLine($"  {province}: {communes.Count} communes, outline {provinces[^1].Outline.Count} ring(s), {provinces[^1].Outline.Sum(r => r.Length)} points");
        }
        var missing = units.Keys.Except(seen).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"communes without a boundary: {string.Join(", ", missing)}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        using (var f = File.Create(output)) BoundaryFile.Write(f, provinces);
        Console.WriteLine($"{provinces.Count} provinces, {seen.Count} communes, {provinces.Sum(p => p.Communes.Sum(c => c.Rings.Sum(r => r.Length)))} points → {output} ({new FileInfo(output).Length:N0} bytes)");
        return 0;
    }

    /// <summary>Union of the communes; slivers between independently simplified neighbours are closed by a buffer out and
    /// back in (0.0002° ≈ 20 m), holes and pieces under ~0.1 km² dropped, islands kept.</summary>
    static List<GeoPoint[]> Outline(List<Geometry> polygons)
    {
        const double Close = 0.0002;
        var union = CascadedPolygonUnion.Union(polygons.Select(p => p.Buffer(Close)).ToList()).Buffer(-Close);
        var simplified = DouglasPeuckerSimplifier.Simplify(union, Close);
        var rings = new List<GeoPoint[]>();
        for (var i = 0; i < simplified.NumGeometries; i++)
            // Pieces under ~0.1 km² are left to the communes' own rings (slivers the buffer left, tiny islets).
            if (simplified.GetGeometryN(i) is Polygon { IsEmpty: false } poly && poly.Area >= 1e-5)
            {
                var c = poly.ExteriorRing.Coordinates;
                rings.Add(c.Take(c.Length - 1).Select(x => new GeoPoint(Math.Round(x.X, 5), Math.Round(x.Y, 5))).ToArray());
            }
        return rings;
    }
}
