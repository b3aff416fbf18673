using ScottPlot;
using SkiaSharp;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>Filled shapes drawn in order, each one SVG path (all its rings as sub-paths) so that the n-th filled path of
/// the SVG is the n-th shape; and outlines drawn as strokes only. Coordinates are already projected (x = lon·cos φ₀).</summary>
sealed class ShapeLayer(IReadOnlyList<(Coordinates[][] Rings, Color Fill)> shapes, Color stroke, float strokeWidth, bool fill) : IPlottable
{
    readonly AxisLimits limits = Limits(shapes);

    public bool IsVisible { get; set; } = true;
    public IAxes Axes { get; set; } = new Axes();
    public IEnumerable<LegendItem> LegendItems => [];

    public AxisLimits GetAxisLimits() => limits;

    static AxisLimits Limits(IReadOnlyList<(Coordinates[][] Rings, Color Fill)> shapes)
    {
        double x0 = double.MaxValue, x1 = double.MinValue, y0 = double.MaxValue, y1 = double.MinValue;
        foreach (var (rings, _) in shapes)
        foreach (var ring in rings)
        foreach (var c in ring)
        {
            x0 = Math.Min(x0, c.X); x1 = Math.Max(x1, c.X); y0 = Math.Min(y0, c.Y); y1 = Math.Max(y1, c.Y);
        }
        return x0 > x1 ? AxisLimits.NoLimits : new AxisLimits(x0, x1, y0, y1);
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
