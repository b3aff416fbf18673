namespace HoSoSucKhoe.Warehouse;

/// <summary>
/// A progress message of a long job (generating, loading), with the share of the job done when the job knows it
/// (0 to 1), so that a writer can draw a bar and a time left instead of printing every message.
/// </summary>
public sealed record ProgressUpdate(string Text, double? Fraction = null)
{
    /// <summary>For callers that want only the messages (the text-only progress of earlier versions).</summary>
    public static IProgress<ProgressUpdate> TextOnly(IProgress<string> text) => new TextProgress(text);

    /// <summary>Reports the fractions of part <paramref name="index"/> of <paramref name="count"/> equal parts as shares of the whole.</summary>
    public static IProgress<ProgressUpdate>? Part(IProgress<ProgressUpdate>? whole, int index, int count) =>
        whole is null ? null : new PartProgress(whole, index, count);

    sealed class TextProgress(IProgress<string> text) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) => text.Report(value.Text);
    }

    sealed class PartProgress(IProgress<ProgressUpdate> whole, int index, int count) : IProgress<ProgressUpdate>
    {
        public void Report(ProgressUpdate value) =>
            whole.Report(value with { Fraction = value.Fraction is { } f ? (index + Math.Clamp(f, 0, 1)) / Math.Max(count, 1) : null });
    }
}
