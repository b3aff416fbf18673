using System.Text;
using System.Xml.Linq;
using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Warehouse.Marts;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>One class of a map's legend: its vi-VN label, its colour (<c>#RRGGBB</c>) and how many communes got it.
/// <see cref="NoData"/> marks the "Không có dữ liệu" class (no denominator, no figure, or a suppressed figure).</summary>
public sealed record MapClass(int Index, string Label, string Colour, int Communes, bool NoData);

/// <summary>A commune of the map: its value as shown (null: no data or suppressed), the class and colour it got.</summary>
public sealed record MapCommune(string Code, string Name, double? Value, string ValueText, int Class, string Colour);

/// <summary>Thrown when a map cannot be drawn from the input: a legacy snapshot (the boundaries are of the 2025 communes),
/// a parent that is not a province, or a province without boundaries.</summary>
public sealed class MapNotAvailableException(string message) : Exception(message);

/// <summary>
/// A choropleth map of a 2025 province's communes for one measure (<see cref="Measures"/>): which class each commune got
/// (<see cref="Communes"/>, in drawing order), the legend (<see cref="Classes"/>, the no-data class last) and
/// <see cref="Render"/> to PNG or SVG. Built only from query results already through disclosure control; breaks of the
/// health measures come from published values only (docs/definitions.md, "Charts and maps").
/// </summary>
public sealed partial class ChoroplethMap
{
    /// <summary>Map measures: coverage, gap (people to the first target), prevalence (crude), smoothed (empirical Bayes), dq.</summary>
    public static readonly IReadOnlyList<string> Measures = ["coverage", "gap", "prevalence", "smoothed", "dq"];

    public const string NoDataLabel = "Không có dữ liệu";
    static readonly Color NoDataColour = Color.FromHex("#BDBDBD");
    static readonly string[] Sequential = ["#FEF0D9", "#FDCC8A", "#FC8D59", "#D7301F"];
    static readonly Color Met = Color.FromHex("#1A9850");

    readonly ProvinceShape shape;

    ChoroplethMap(string measure, string title, string subtitle, ProvinceShape shape, IReadOnlyList<MapClass> classes,
        IReadOnlyList<MapCommune> communes)
    {
        Measure = measure;
        Title = title;
        Subtitle = subtitle;
        this.shape = shape;
        Classes = classes;
        Communes = communes;
    }

    public string Measure { get; }
    public string ProvinceCode => shape.Code;
    public string Title { get; }
    public string Subtitle { get; }
    public IReadOnlyList<MapClass> Classes { get; }
    public IReadOnlyList<MapCommune> Communes { get; }

    /// <summary>Builds the map of <paramref name="measure"/> from its input: <see cref="CoverageChartInput"/> for coverage and
    /// gap, <see cref="PrevalenceChartInput"/> (with <c>CodeSystem</c> "2025") for prevalence and smoothed,
    /// <see cref="DataQualityChartInput"/> for dq.</summary>
    /// <exception cref="ArgumentException">Unknown measure, or an input that does not fit it.</exception>
    /// <exception cref="MapNotAvailableException">Legacy snapshot, or no boundaries for the province.</exception>
    public static ChoroplethMap Build(string measure, ChartInput input, CommuneBoundaries? boundaries = null)
    {
        boundaries ??= CommuneBoundaries.Default;
        return (measure.ToLowerInvariant(), input) switch
        {
            ("coverage", CoverageChartInput c) => Coverage(c.Table, boundaries),
            ("gap", CoverageChartInput c) => Gap(c.Table, boundaries),
            ("prevalence" or "smoothed", PrevalenceChartInput p) => Prevalence(p, measure.ToLowerInvariant() == "smoothed", boundaries),
            ("dq", DataQualityChartInput d) => DataQuality(d, boundaries),
            _ when !Measures.Contains(measure.ToLowerInvariant()) =>
                throw new ArgumentException($"Tham số measure: '{measure}' không hợp lệ ({string.Join(", ", Measures)})."),
            _ => throw new ArgumentException($"Tham số measure: chỉ số '{measure}' không vẽ được từ {input.GetType().Name}."),
        };
    }

    static ProvinceShape ShapeOf(string province, string codeSystem, CommuneBoundaries boundaries)
    {
        if (codeSystem != "2025")
            throw new MapNotAvailableException("Bản đồ chỉ có cho các xã theo mã 2025; ảnh chụp mã cũ không có ranh giới xã tương ứng.");
        return boundaries.Province(province) ?? throw new MapNotAvailableException($"Không có ranh giới cho tỉnh '{province}' (cần mã tỉnh 2025).");
    }

    static ProvinceShape CoverageShape(CoverageTable t, CommuneBoundaries b)
    {
        if (t.Level != "commune" || t.Parent.Length != 2)
            throw new MapNotAvailableException("Bản đồ cần bảng các xã của một tỉnh (parent là mã tỉnh 2 chữ số).");
        return ShapeOf(t.Parent, t.Snapshot.CodeSystem, b);
    }

    static ChoroplethMap Coverage(CoverageTable t, CommuneBoundaries b)
    {
        var shape = CoverageShape(t, b);
        var classes = new CoverageClasses(t.Targets);
        var rows = t.Rows.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var colours = classes.Colours.Select(Hex).ToList();
        return Make("coverage", $"Tỷ lệ người dân được quản lý hồ sơ sức khỏe – {t.Total.Name}", $"Số liệu ngày {Vi.Date(t.Snapshot.AsOf)}",
            shape, classes.Labels, colours, code => rows.GetValueOrDefault(code) is { } r
                ? (r.Name, (double?)r.CoveragePct, r.CoveragePct is { } p ? Vi.Percent(p) : "Không có mẫu số", classes.Of(r))
                : (null, null, NoDataLabel, null));
    }

    static ChoroplethMap Gap(CoverageTable t, CommuneBoundaries b)
    {
        var shape = CoverageShape(t, b);
        var target = t.Targets.FirstOrDefault() ?? throw new ArgumentException("Bảng không có mục tiêu bao phủ để tính khoảng cách.");
        var rows = t.Rows.ToDictionary(r => r.Code, StringComparer.Ordinal);
        long? GapOf(CoverageRow r) => r.Targets.FirstOrDefault(g => g.Key == target.Key)?.Gap;
        var positive = t.Rows.Select(GapOf).Where(g => g is > 0).Select(g => (double)g!.Value).ToList();
        var breaks = NiceQuantiles(positive, 3, 1).Where(x => x > 1).ToArray();
        var bounds = new[] { 1.0 }.Concat(breaks).ToArray();
        var labels = new List<string> { $"Đã đạt mục tiêu {Vi.Percent(target.Percent, 0)}" };
        for (var i = 0; i < bounds.Length; i++)
            labels.Add(i + 1 < bounds.Length ? $"{Vi.Number((long)bounds[i])} – {Vi.Number((long)bounds[i + 1] - 1)} người"
                : $"≥ {Vi.Number((long)bounds[i])} người");
        var colours = new List<string> { Hex(Met) };
        colours.AddRange(Sequential.Skip(Sequential.Length - bounds.Length).Take(bounds.Length));
        return Make("gap", $"Số người cần quản lý thêm để đạt {Vi.Percent(target.Percent, 0)} ({target.Year}) – {t.Total.Name}",
            $"Số liệu ngày {Vi.Date(t.Snapshot.AsOf)}", shape, labels, colours, code =>
            {
                if (rows.GetValueOrDefault(code) is not { } r) return (null, null, NoDataLabel, null);
                if (GapOf(r) is not { } g) return (r.Name, null, "Không có mẫu số", null);
                return (r.Name, g, $"{Vi.Number(g)} người", g == 0 ? 0 : 1 + bounds.Count(x => x <= g) - 1);
            });
    }

    static ChoroplethMap Prevalence(PrevalenceChartInput p, bool smoothed, CommuneBoundaries b)
    {
        if (p.CodeSystem is null) throw new ArgumentException("Bản đồ tỷ lệ hiện mắc cần CodeSystem của ảnh chụp (2025).");
        var communeRows = p.Rows.Where(r => r.Level == "commune").ToList();
        if (communeRows.Select(r => (r.Measure, r.Sex, r.AgeGroup)).Distinct().Count() > 1)
            throw new ArgumentException("Bản đồ tỷ lệ hiện mắc cần các dòng của một chỉ số, một giới và một nhóm tuổi.");
        var province = p.Rows.FirstOrDefault(r => r.Level == "province")?.UnitCode
            ?? communeRows.Select(r => b.ProvinceOf(r.UnitCode)).FirstOrDefault(x => x is not null)
            ?? throw new MapNotAvailableException("Không xác định được tỉnh của các xã.");
        var shape = ShapeOf(province, p.CodeSystem, b);
        var rows = communeRows.ToDictionary(r => r.UnitCode, StringComparer.Ordinal);
        double? ValueOf(Models.Ncd.PrevalenceEstimate r) => r.Suppressed ? null : (smoothed ? r.Smoothed : r.Crude) * 100;
        var published = communeRows.Select(ValueOf).Where(v => v is not null).Select(v => v!.Value).ToList();
        var breaks = NiceQuantiles(published, 4, 0.1);
        var first = communeRows.FirstOrDefault();
        var what = smoothed ? "làm trơn Bayes thực nghiệm" : "tỷ lệ thô";
        return Make(smoothed ? "smoothed" : "prevalence", $"{p.MeasureName} ({what}) – {p.Rows.FirstOrDefault(r => r.Level == "province")?.UnitName ?? province}",
            first is null ? "" : $"Giới: {SexText(first.Sex)}; tuổi {first.AgeGroup.Replace('-', '–')}; ngày {Vi.Date(first.AsOf)}",
            shape, RangeLabels(breaks, v => Vi.Percent(v)), Sequential.Skip(Sequential.Length - breaks.Length - 1).ToList(), code =>
            {
                if (rows.GetValueOrDefault(code) is not { } r) return (null, null, NoDataLabel, null);
                return ValueOf(r) is { } v ? (r.UnitName, v, Vi.Percent(v), breaks.Count(x => x <= v)) : (r.UnitName, null, NoDataLabel, null);
            }, NoDataLabel + " hoặc bị ẩn để bảo vệ bí mật");
    }

    static ChoroplethMap DataQuality(DataQualityChartInput d, CommuneBoundaries b)
    {
        var communes = d.Reports.Where(r => r.Unit.Level == "commune").ToList();
        var first = communes.FirstOrDefault() ?? throw new ArgumentException("Bản đồ chất lượng dữ liệu cần báo cáo của các xã.");
        var province = b.ProvinceOf(first.Unit.Code) ?? throw new MapNotAvailableException($"Xã '{first.Unit.Code}' không có trong ranh giới 2025.");
        var shape = ShapeOf(province, first.Unit.Snapshot.CodeSystem, b);
        var rows = communes.ToDictionary(r => r.Unit.Code, StringComparer.Ordinal);
        var label = first.Checks.FirstOrDefault(c => c.Check == d.Check) is { CountOf: "records" } check ? check.Label
            : throw new ArgumentException($"Tham số check: '{d.Check}' không phải một kiểm tra trên hồ sơ.");
        double[] breaks = [1, 5, 10];
        return Make("dq", $"Chất lượng dữ liệu: {label} (% hồ sơ)", $"Số liệu ngày {Vi.Date(first.Unit.Snapshot.AsOf)}", shape,
            RangeLabels(breaks, v => Vi.Percent(v)), [.. Sequential], code =>
            {
                if (rows.GetValueOrDefault(code) is not { } r) return (null, null, NoDataLabel, null);
                var share = r.Checks.FirstOrDefault(c => c.Check == d.Check)?.SharePct;
                return share is { } s ? (r.Unit.Name, (double)s, Vi.Percent(s), breaks.Count(x => x <= (double)s)) : (r.Unit.Name, null, NoDataLabel, null);
            });
    }

    static string SexText(string sex) => sex switch { "male" => "nam", "female" => "nữ", _ => "chung hai giới" };

    static List<string> RangeLabels(double[] breaks, Func<double, string> f)
    {
        if (breaks.Length == 0) return ["Mọi giá trị"];
        var labels = new List<string> { $"< {f(breaks[0])}" };
        for (var i = 0; i + 1 < breaks.Length; i++) labels.Add($"{f(breaks[i])} – {f(breaks[i + 1])}");
        labels.Add($"≥ {f(breaks[^1])}");
        return labels;
    }

    /// <summary>Breaks at the quantiles 1/k … (k−1)/k of <paramref name="values"/>, rounded to <paramref name="unit"/>,
    /// duplicates dropped. Only published values enter, so no break says anything of a hidden one.</summary>
    internal static double[] NiceQuantiles(IReadOnlyList<double> values, int k, double unit)
    {
        if (values.Count == 0) return [];
        var sorted = values.Order().ToArray();
        var breaks = new SortedSet<double>();
        for (var i = 1; i < k; i++)
        {
            var q = sorted[(int)Math.Floor(i * (sorted.Length - 1) / (double)k)];
            var rounded = Math.Round(q / unit) * unit;
            if (rounded > sorted[0]) breaks.Add(Math.Round(rounded, 6));
        }
        return [.. breaks];
    }

    static string Hex(Color c) => $"#{c.R:X2}{c.G:X2}{c.B:X2}";

    /// <summary>Assigns every commune of the province (missing from the figures: no data) its class; the no-data class last.</summary>
    static ChoroplethMap Make(string measure, string title, string subtitle, ProvinceShape shape, IReadOnlyList<string> labels,
        IReadOnlyList<string> colours, Func<string, (string? Name, double? Value, string Text, int? Class)> classify, string noDataLabel = NoDataLabel)
    {
        var noData = labels.Count;
        var communes = shape.Communes.Select(c =>
        {
            var (name, value, text, k) = classify(c.Code);
            var cls = k ?? noData;
            return new MapCommune(c.Code, name ?? c.Code, k is null ? null : value, text, cls, cls == noData ? Hex(NoDataColour) : colours[cls]);
        }).ToList();
        var classes = labels.Select((l, i) => new MapClass(i, l, colours[i], communes.Count(c => c.Class == i), false))
            .Append(new MapClass(noData, noDataLabel, Hex(NoDataColour), communes.Count(c => c.Class == noData), true)).ToList();
        return new ChoroplethMap(measure, title, subtitle, shape, classes, communes);
    }

    /// <summary>Renders the map: communes filled by class with white borders, the province outline, the legend of classes with
    /// their number of communes. Default width 900 px; the height follows the province's shape unless given.</summary>
    public byte[] Render(ChartFormat format, ChartSize? size = null)
    {
        var (plot, width, height) = Draw(size);
        using (plot) return ChartStyle.Export(plot, format, width, height);
    }

    /// <summary>
    /// The SVG for a page: the same drawing as <see cref="Render"/>, each commune's shape one element that carries its
    /// code (<c>data-code</c>), a tooltip (<c>&lt;title&gt;</c>: name and value as shown) and, when <paramref name="href"/>
    /// gives one, a link to the commune's page. The white border of each shape is kept on the shape itself rather than as
    /// a second copy of the path (half the size). Values in tooltips are those of <see cref="Communes"/>: already through
    /// disclosure control, so a hidden figure reads "Không có dữ liệu" here as in the legend.
    /// </summary>
    public string LinkedSvg(Func<MapCommune, string?> href, ChartSize? size = null)
    {
        XNamespace ns = "http://www.w3.org/2000/svg";
        var document = XDocument.Parse(Encoding.UTF8.GetString(Render(ChartFormat.Svg, size)));
        var paths = document.Descendants(ns + "path").ToList();
        var n = 0;
        for (var i = 0; i < paths.Count && n < Communes.Count; i++)
        {
            var path = paths[i];
            if ((string?)path.Attribute("fill") is null or "none") continue;
            var commune = Communes[n++];
            // The border stroke ShapeLayer draws right after the fill, same geometry: fold it into the filled shape.
            if (i + 1 < paths.Count && paths[i + 1] is var border && (string?)border.Attribute("fill") == "none"
                && (string?)border.Attribute("d") == (string?)path.Attribute("d"))
            {
                foreach (var a in border.Attributes().Where(a => a.Name.LocalName.StartsWith("stroke", StringComparison.Ordinal)))
                    path.SetAttributeValue(a.Name, a.Value);
                border.Remove();
                i++;
            }
            path.SetAttributeValue("data-code", commune.Code);
            path.SetAttributeValue("class", "commune");
            path.Add(new XElement(ns + "title", $"{commune.Name}: {commune.ValueText}"));
            if (href(commune) is { } link)
            {
                var a = new XElement(ns + "a", new XAttribute("href", link));
                path.ReplaceWith(a);
                a.Add(path);
            }
        }
        return document.Root!.ToString(SaveOptions.DisableFormatting);
    }

    (Plot Plot, int Width, int Height) Draw(ChartSize? size)
    {
        var all = shape.Communes.SelectMany(c => c.Rings).SelectMany(r => r).ToList();
        var lat0 = (all.Min(p => p.Lat) + all.Max(p => p.Lat)) / 2;
        var k = Math.Cos(lat0 * Math.PI / 180);
        Coordinates[][] Project(IEnumerable<GeoPoint[]> rings) => [.. rings.Select(r => r.Select(p => new Coordinates(p.Lon * k, p.Lat)).ToArray())];
        var projected = shape.Communes.ToDictionary(c => c.Code, c => Project(c.Rings), StringComparer.Ordinal);
        var insets = Insets.Place(projected);
        var fills = Communes.Select(c => (insets.Moved.GetValueOrDefault(c.Code) ?? projected[c.Code], Color.FromHex(c.Colour))).ToList();

        var plot = ChartStyle.New(Title + (Subtitle.Length > 0 ? "\n" + Subtitle : ""));
        plot.Axes.Title.Label.FontSize = 15;
        plot.Add.Plottable(new ShapeLayer(fills, Colors.White, 0.6f, fill: true));
        // The outline without the rings of communes moved to an inset (their frame stands for it).
        var outline = Project(shape.Outline).Where(r => !insets.Covers(r)).ToArray();
        plot.Add.Plottable(new ShapeLayer([(outline, Colors.Black), .. insets.Frames.Select(f => (new[] { f }, Colors.Black))],
            Color.FromHex("#333333"), 1.6f, fill: false));
        foreach (var (code, at) in insets.Labels)
        {
            var t = plot.Add.Text($"{Communes.First(c => c.Code == code).Name}\n(ô riêng, không đúng vị trí)", at.X, at.Y);
            t.LabelFontSize = 11;
            t.LabelAlignment = Alignment.LowerLeft;
            t.LabelFontColor = Color.FromHex("#333333");
        }
        plot.HideAxesAndGrid();
        plot.Axes.Title.IsVisible = true;
        plot.Axes.SquareUnits();
        plot.Legend.ManualItems.AddRange(Classes.Select(c => new LegendItem
        {
            LabelText = $"{c.Label} ({Vi.Number(c.Communes)} xã)", FillColor = Color.FromHex(c.Colour),
        }));
        plot.Legend.FontSize = 12;
        plot.ShowLegend(Edge.Right);

        var extent = fills.SelectMany(f => f.Item1).SelectMany(r => r).Concat(insets.Frames.SelectMany(f => f)).ToList();
        var dx = extent.Max(p => p.X) - extent.Min(p => p.X);
        var dy = extent.Max(p => p.Y) - extent.Min(p => p.Y);
        var (w, _) = (size ?? new ChartSize()).Or(1000, 800);
        var mapWidth = w - 300;
        var h = size?.Height is { } given ? Math.Clamp(given, ChartSize.Min, ChartSize.Max)
            : Math.Clamp((int)(mapWidth * dy / Math.Max(dx, 1e-9)) + 110, 500, 1400);
        return (plot, w, h);
    }
}
