using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Reports.Charts;
using ScottPlot;

namespace HoSoSucKhoe.Reports.Maps;

/// <summary>The programme map: a province's communes coloured by their control rate of one month (measure
/// <see cref="ControlMeasure"/>).</summary>
public sealed partial class ChoroplethMap
{
    /// <summary>The measure key of the programme map.</summary>
    public const string ControlMeasure = "control";

    /// <summary>The label of the class of communes whose control rate is hidden.</summary>
    public const string SuppressedLabel = "Bị ẩn để bảo vệ bí mật";

    /// <summary>Fixed breaks of the control rate (percent): they say nothing of any commune's figure.</summary>
    static readonly double[] ControlBreaks = [20, 40, 60];
    static readonly string[] ControlPalette = ["#D7191C", "#FDAE61", "#A6D96A", "#1A9641"];
    static readonly Color SuppressedColour = Color.FromHex("#6E6E6E");

    /// <summary>
    /// The communes of the month's table coloured by the served control rate (<see cref="ProgrammeMonth.ControlledShare"/>)
    /// in four fixed classes; a commune whose rate disclosure hid is in the "bị ẩn" class (its own grey), never coloured
    /// by a rate, and its tooltip says so; a commune without patients under care (or without a row) is "no data".
    /// </summary>
    /// <exception cref="MapNotAvailableException">Legacy snapshot, or no boundaries for the province.</exception>
    public static ChoroplethMap Programme(ProgrammeMonthChartInput input, CommuneBoundaries? boundaries = null)
    {
        boundaries ??= CommuneBoundaries.Default;
        var t = input.Table;
        var province = t.Rows.FirstOrDefault(r => r.Level == "province");
        var code = province?.UnitCode ?? t.Rows.Select(r => boundaries.ProvinceOf(r.UnitCode)).FirstOrDefault(x => x is not null)
            ?? throw new MapNotAvailableException("Không xác định được tỉnh của các xã.");
        var shape = ShapeOf(code, input.CodeSystem, boundaries);
        var rows = t.Rows.Where(r => r.Level == "commune").ToDictionary(r => r.UnitCode, StringComparer.Ordinal);
        var labels = RangeLabels(ControlBreaks, v => Vi.Percent(v, 0)).Append(SuppressedLabel).ToList();
        var colours = ControlPalette.Append(Hex(SuppressedColour)).ToList();
        var suppressed = labels.Count - 1;
        return Make(ControlMeasure, $"Tỷ lệ kiểm soát {t.DiseaseName} theo xã – {province?.UnitName ?? code}",
            $"Tháng {t.ReferenceMonth:MM/yyyy}; trên số bệnh nhân đang quản lý{(t.IncludeLost ? " và mất dấu" : "")}", shape, labels, colours, c =>
            {
                if (rows.GetValueOrDefault(c) is not { } r) return (null, null, NoDataLabel, null);
                if (r.ControlledShare is { } s) return (r.UnitName, s * 100, Vi.Proportion(s), ControlBreaks.Count(x => x <= s * 100));
                return r.Suppressed ? (r.UnitName, null, "ẩn", suppressed) : (r.UnitName, null, "Không có bệnh nhân đang quản lý", null);
            }, NoDataLabel + " (không có bệnh nhân đang quản lý)");
    }
}
