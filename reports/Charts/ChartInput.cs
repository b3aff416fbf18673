using HoSoSucKhoe.Models.Ncd;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Charts;

/// <summary>What a chart is drawn from: a result record of the query objects, already through disclosure control where
/// it carries health figures. A chart never recomputes a figure; a hidden (null) value is drawn as absent.</summary>
public abstract record ChartInput;

/// <summary>The children of a unit (<see cref="CoverageQueries.Children"/>): the coverage chart, and the map measures
/// <c>coverage</c> and <c>gap</c> when the parent is a province of a 2025 snapshot.</summary>
public sealed record CoverageChartInput(CoverageTable Table) : ChartInput;

/// <summary>A unit's series with its projections (<see cref="CoverageQueries.Series"/>): the trend chart.</summary>
public sealed record TrendChartInput(UnitSeries Series) : ChartInput;

/// <summary>One unit's cascades as disclosed to the viewer (<c>NcdSuppression.Disclose(CascadeRow, Audience)</c>).</summary>
public sealed record CascadeChartInput(CascadeView View) : ChartInput;

/// <summary>Disclosed prevalence rows (<c>NcdSuppression.Disclose(PrevalenceEstimate, …)</c>) of one measure and
/// <paramref name="MeasureName"/>. For the prevalence chart: one unit's rows by age group (five-year bands or STEPS
/// groups, in the order given) and sex, with the <paramref name="Anchors"/> of <c>NcdData.Anchors()</c>. For the map
/// measures <c>prevalence</c> (crude) and <c>smoothed</c> (empirical Bayes): the province's rows of one sex and age group,
/// communes and (optionally) the province.</summary>
/// <param name="CodeSystem">The snapshot's code system (<c>LoadedSnapshot.CodeSystem</c>); the map needs "2025", since
/// legacy and 2025 commune codes can coincide.</param>
public sealed record PrevalenceChartInput(IReadOnlyList<PrevalenceEstimate> Rows, string MeasureName,
    IReadOnlyList<AnchorComparison>? Anchors = null, string? CodeSystem = null) : ChartInput;

/// <summary>Data quality of communes (<see cref="CoverageQueries.DataQuality"/>, one report per commune) for the map
/// measure <c>dq</c>: the share of records flagged by <paramref name="Check"/> (a record check such as
/// <c>duplicate_citizen</c>, default).</summary>
public sealed record DataQualityChartInput(IReadOnlyList<DataQualityReport> Reports, string Check = "duplicate_citizen") : ChartInput;
