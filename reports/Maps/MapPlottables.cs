using ScottPlot;
using SkiaSharp;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>Filled shapes drawn in order, each one SVG path (all its rings as sub-paths) so that the n-th filled path of
/// the SVG is the n-th shape; and outlines drawn as strokes only. Coordinates are already projected (x = lon·cos φ₀).</summary>
sealed class ShapeLayer(IReadOnlyList<(Coordinates[][] Rings, Color Fill)> shapes, Color stroke, float strokeWidth, bool fill) : IPlottable
{
    public bool IsVisible { get; set; } = true;
    public IAxes Axes { get; set; } = new Axes();
    public IEnumerable<LegendItem> LegendItems => [];

    public AxisLimits GetAxisLimits()
    {
        var all = shapes.SelectMany(s => s.Rings).SelectMany(r => r).ToList();
        return all.Count == 0 ? AxisLimits.NoLimits
            : new AxisLimits(all.Min(c => c.X), all.Max(c => c.X), all.Min(c => c.Y), all.Max(c => c.Y));
    }

    public void Render(RenderPack rp)
    {
        using var fillPaint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill };
        using var strokePaint = new SKPaint
        {
            IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = strokeWidth, Color = stroke.ToSKColor(),
            StrokeJoin = SKStrokeJoin.Round,
        };
        foreach (var (rings, colour) in shapes)
        {
            using var path = new SKPath();
            foreach (var ring in rings)
            {
                if (ring.Length < 3) continue;
                path.MoveTo(Axes.GetPixelX(ring[0].X), Axes.GetPixelY(ring[0].Y));
                for (var i = 1; i < ring.Length; i++) path.LineTo(Axes.GetPixelX(ring[i].X), Axes.GetPixelY(ring[i].Y));
                path.Close();
            }
            if (fill)
            {
                fillPaint.Color = colour.ToSKColor();
                rp.Canvas.DrawPath(path, fillPaint);
            }
            if (strokeWidth > 0) rp.Canvas.DrawPath(path, strokePaint);
        }
    }
}
