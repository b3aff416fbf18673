namespace HoSoSucKhoe.Api.Cli;

/// <summary>Progress lines written as they come (IProgress&lt;T&gt;'s default posts to the thread pool, out of order).</summary>
sealed class LineProgress(TextWriter output) : IProgress<string>
{
    public void Report(string value) { lock (output) output.WriteLine(value); }
}
