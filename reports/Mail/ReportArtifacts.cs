using HoSoSucKhoe.Reports.Charts;
using HoSoSucKhoe.Reports.Excel;
using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>The message's pictures and attachment from the same code as the downloads: the trend chart of
/// reports/Charts (<see cref="ChartRenderer"/>) and the appendix workbook of reports/Excel (<see cref="Excel.AppendixWorkbook"/>,
/// public disclosure: a message may be forwarded, so no small health count is in it).</summary>
public sealed class ReportArtifacts(AppendixWorkbook workbooks) : IReportArtifacts
{
    /// <summary>The sheets a monthly appendix carries: everything but the epidemiologists' NCD and programme sheets.</summary>
    public const WorkbookSheets Sheets = WorkbookSheets.All & ~WorkbookSheets.Ncd & ~WorkbookSheets.Programme;

    public byte[] CoverageChartPng(UnitSeries series) =>
        ChartRenderer.Render(ChartRenderer.Trend, new TrendChartInput(series), ChartFormat.Png);

    public ReportFile AppendixWorkbook(CoverageTable appendix)
    {
        var file = workbooks.Build(new AppendixWorkbookRequest(appendix.Parent)
        {
            SnapshotId = appendix.Snapshot.SnapshotId,
            RequestedBy = "Thư báo cáo định kỳ",
            Sheets = Sheets,
        });
        return new ReportFile(file.FileName.Unicode, AppendixWorkbookFile.ContentType, file.Content);
    }
}
