using HoSoSucKhoe.Warehouse.Marts;

namespace HoSoSucKhoe.Reports.Mail;

/// <summary>A file a message carries: its name as the recipient sees it, its MIME type and its bytes.</summary>
public sealed record ReportFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// The two pieces of a report message that other parts of reports/ draw: the inline chart and the appendix workbook.
/// <see cref="MailMessageBuilder"/> calls each once per (unit, period, kind), never once per recipient.
/// <see cref="ReportArtifacts"/> draws them with reports/Charts and reports/Excel.
/// </summary>
public interface IReportArtifacts
{
    /// <summary>A PNG of the unit's coverage over its snapshots (<see cref="UnitSeries.Points"/>, oldest first) against its
    /// targets (<see cref="UnitSeries.Projections"/>); embedded in the HTML body as an inline (Content-Id) image.</summary>
    byte[] CoverageChartPng(UnitSeries series);

    /// <summary>The appendix of <paramref name="appendix"/> (children rows and the total row, as the API's
    /// <c>/api/coverage/communes</c> gives them; for a commune only its own row, as the total) as a file to attach:
    /// the workbook (.xlsx) of reports/Excel.</summary>
    ReportFile AppendixWorkbook(CoverageTable appendix);
}
