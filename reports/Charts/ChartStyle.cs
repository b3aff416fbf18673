using ScottPlot;
using SkiaSharp;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>What every chart shares: font (DejaVu Sans has every Vietnamese letter), colours of the coverage classes,
/// axis formats and the export to PNG or SVG.</summary>
static class ChartStyle
{
    public const string Font = "DejaVu Sans";

    public static readonly Color Text = Color.FromHex("#222222");
    public static readonly Color Muted = Color.FromHex("#666666");
    public static readonly Color NoData = Color.FromHex("#BDBDBD");
    public static readonly Color Male = Color.FromHex("#2C7BB6");
    public static readonly Color Female = Color.FromHex("#D7191C");
    public static readonly Color Both = Color.FromHex("#7F7F7F");
    public static readonly Color Hypertension = Color.FromHex("#2C7BB6");
    public static readonly Color Diabetes = Color.FromHex("#E66101");
    public static readonly Color Survey = Color.FromHex("#4D4D4D");
    public static readonly Color TargetLine = Color.FromHex("#333333");

    /// <summary>Dashes in PNG only: Skia's SVG writer has no dashes and prints a warning to standard output for each one,
    /// so SVG lines stay solid (they are told apart by colour or width).</summary>
    public static LinePattern Dash(ChartFormat format, LinePattern pattern) => format == ChartFormat.Svg ? LinePattern.Solid : pattern;

    /// <summary>Colour of the n-th target line: the second is lighter, for SVG where both are solid.</summary>
    public static Color Target(int index) => index % 2 == 0 ? TargetLine : Color.FromHex("#8C8C8C");

    public static Plot New(string title)
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 16;
        plot.Axes.Title.Label.Bold = true;
        plot.Legend.FontName = Font;
        return plot;
    }

    /// <summary>Tick labels of an axis in percent units, vi-VN: "95%" or "12,5%".</summary>
    public static void PercentTicks(IAxis axis) =>
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            LabelFormatter = v => Vi.Percent(v, Math.Abs(v - Math.Round(v)) < 1e-9 ? 0 : 1),
        };

    public static byte[] Export(Plot plot, ChartFormat format, int width, int height) => format == ChartFormat.Svg
        ? Svg(plot, width, height)
        : Png(plot, width, height);

    /// <summary>The document of ScottPlot's <c>Plot.GetSvgXml</c> (the same bytes but for Skia's process-wide numbering of clip paths; tests/Reports/ChartTests) for about half
    /// the work: GetSvgXml settles the layout with a full bitmap render before the SVG one; here the layout pass draws on
    /// a canvas that discards everything (a first render of a plot lays it out, and renders again if the layout moved).</summary>
    internal static byte[] Svg(Plot plot, int width, int height)
    {
        LayOut(plot, width, height);
        using var stream = new MemoryStream();
        var clear = plot.RenderManager.ClearCanvasBeforeEachRender;
        plot.RenderManager.ClearCanvasBeforeEachRender = false;   // as GetSvgXml: no black rectangle under the figure's own background
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
            plot.Render(canvas, width, height);
        plot.RenderManager.ClearCanvasBeforeEachRender = clear;
        return stream.ToArray();
    }

    /// <summary>The first render of a plot lays it out and, when the layout moved, draws it all again: let that
    /// first pass draw on a canvas that discards everything, so the real one draws once.</summary>
    static void LayOut(Plot plot, int width, int height)
    {
        using var layout = new SKNoDrawCanvas(width, height);
        plot.Render(layout, width, height);
    }

    /// <summary>PNG with the "up" filter and zlib level 3: ~7 ms for 1000 × 900 px against ~35 ms for Skia's default
    /// (all filters, level 6), for files of about the same size (measured here, docs/performance.md).</summary>
    static byte[] Png(Plot plot, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height)) ?? throw new InvalidOperationException("Skia surface");
        plot.Render(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var pixels = image.PeekPixels();
        using var data = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Up, 3)) ?? throw new InvalidOperationException("PNG encoding");
        return data.ToArray();
    }

    /// <summary>Asymmetric intervals (confidence limits) as error bars; <paramref name="intervals"/>: (x, value, low, high).</summary>
    public static void Intervals(Plot plot, IReadOnlyList<(double X, double Value, double Lo, double Hi)> intervals)
    {
        if (intervals.Count == 0) return;
        var e = plot.Add.ErrorBar([.. intervals.Select(i => i.X)], [.. intervals.Select(i => i.Value)], [.. intervals.Select(_ => 0.0)]);
        e.YErrorNegative = [.. intervals.Select(i => i.Value - i.Lo)];
        e.YErrorPositive = [.. intervals.Select(i => i.Hi - i.Value)];
        e.Color = Color.FromHex("#222222");
        e.LineWidth = 1;
        e.CapSize = 4;
    }
}
