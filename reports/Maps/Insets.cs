using ScottPlot;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>
/// Communes far offshore (Côn Đảo from Hồ Chí Minh City, Trường Sa from Khánh Hoà, Bạch Long Vĩ from Hải Phòng) would
/// shrink the rest of the map to a corner: such a commune is drawn in a framed inset to the right of the province, at
/// its own scale (never enlarged). A commune is offshore when the gap between its extent and the others' is more than
/// half the others' larger side, or when it would make the map's extent 2.5 times larger (Trường Sa's islets touch the
/// coast's latitude but spread over 8°); at most four, the most extreme first.
/// </summary>
sealed class Insets
{
    public Dictionary<string, Coordinates[][]> Moved { get; } = new(StringComparer.Ordinal);
    public List<Coordinates[]> Frames { get; } = [];
    public List<(string Code, Coordinates At)> Labels { get; } = [];
    readonly List<AxisLimits> originals = [];

    /// <summary>Whether an outline ring lies within a moved commune's original extent.</summary>
    public bool Covers(Coordinates[] ring)
    {
        var b = Box([ring]);
        return originals.Any(o => b.Left >= o.Left - 1e-3 && b.Right <= o.Right + 1e-3 && b.Bottom >= o.Bottom - 1e-3 && b.Top <= o.Top + 1e-3);
    }

    public static Insets Place(IReadOnlyDictionary<string, Coordinates[][]> communes)
    {
        var result = new Insets();
        var boxes = communes.ToDictionary(c => c.Key, c => Box(c.Value));
        var rest = new HashSet<string>(communes.Keys);
        var offshore = new List<string>();
        while (offshore.Count < 4 && rest.Count > 2)
        {
            var candidates = rest.Select(code =>
            {
                var others = Union(rest.Where(c => c != code).Select(c => boxes[c]));
                var with = Union([others, boxes[code]]);
                var gap = Gap(boxes[code], others) / Math.Max(others.HorizontalSpan, others.VerticalSpan);
                var growth = Area(with) / Math.Max(Area(others), 1e-12);
                return (Code: code, Gap: gap, Growth: growth, Score: Math.Max(gap / 0.5, growth / 2.5));
            }).MaxBy(x => x.Score);
            if (candidates.Score <= 1) break;
            offshore.Add(candidates.Code);
            rest.Remove(candidates.Code);
        }
        if (offshore.Count == 0) return result;
        var main = Union(rest.Select(c => boxes[c]));
        var side = 0.3 * Math.Max(main.HorizontalSpan, main.VerticalSpan);
        var pad = side * 0.08;
        for (var i = 0; i < offshore.Count; i++)
        {
            var code = offshore[i];
            var b = boxes[code];
            result.originals.Add(b);
            var scale = Math.Min(1, (side - 2 * pad) / Math.Max(Math.Max(b.HorizontalSpan, b.VerticalSpan), 1e-9));
            var x0 = main.Right + side * 0.15;
            var y0 = main.Bottom + i * (side + side * 0.25);
            var cx = x0 + side / 2;
            var cy = y0 + side / 2;
            result.Moved[code] = [.. communes[code].Select(r => r.Select(p => new Coordinates(
                cx + (p.X - b.HorizontalCenter) * scale, cy + (p.Y - b.VerticalCenter) * scale)).ToArray())];
            result.Frames.Add([new(x0, y0), new(x0 + side, y0), new(x0 + side, y0 + side), new(x0, y0 + side)]);
            result.Labels.Add((code, new Coordinates(x0, y0 + side + pad * 0.3)));
        }
        return result;
    }

    static AxisLimits Box(IEnumerable<Coordinates[]> rings)
    {
        double x0 = double.MaxValue, x1 = double.MinValue, y0 = double.MaxValue, y1 = double.MinValue;
        foreach (var r in rings)
        foreach (var c in r)
        {
            x0 = Math.Min(x0, c.X); x1 = Math.Max(x1, c.X); y0 = Math.Min(y0, c.Y); y1 = Math.Max(y1, c.Y);
        }
        return new AxisLimits(x0, x1, y0, y1);
    }

    static double Area(AxisLimits b) => b.HorizontalSpan * b.VerticalSpan;

    static AxisLimits Union(IEnumerable<AxisLimits> boxes)
    {
        var list = boxes.ToList();
        return new AxisLimits(list.Min(b => b.Left), list.Max(b => b.Right), list.Min(b => b.Bottom), list.Max(b => b.Top));
    }

    static double Gap(AxisLimits a, AxisLimits b)
    {
        var dx = Math.Max(0, Math.Max(a.Left - b.Right, b.Left - a.Right));
        var dy = Math.Max(0, Math.Max(a.Bottom - b.Top, b.Bottom - a.Top));
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
