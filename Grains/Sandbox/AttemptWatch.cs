using System.Globalization;
using Grader.Tasks;

namespace Grader.Sandbox;

/// <summary>What the database governor saw of one attempt's sessions: queries it cancelled, sessions it
/// ended, backend CPU, and whether the attempt broke a budget (then <see cref="Exceeded"/> fires).</summary>
public sealed class AttemptWatch : IDisposable
{
    private readonly CancellationTokenSource _exceeded = new();
    private readonly Action<AttemptWatch> _forget;
    private readonly Dictionary<(int Pid, DateTime Start), long> _ticks = [];
    private int _disposed;

    internal AttemptWatch(SandboxNames names, bool ownDatabase, Action<AttemptWatch> forget)
    {
        Names = names;
        OwnDatabase = ownDatabase;
        _forget = forget;
    }

    public SandboxNames Names { get; }

    /// <summary>The attempt has a database of its own (isolated mode), whose size is budgeted.</summary>
    public bool OwnDatabase { get; }

    /// <summary>Fires when the attempt broke a budget; <see cref="Violation"/> says which, in the student's words.</summary>
    public CancellationToken Exceeded => _exceeded.Token;

    public string? Violation { get; private set; }

    public int CancelledQueries { get; private set; }

    public int EndedSessions { get; private set; }

    public long LargestDatabaseBytes { get; private set; }

    /// <summary>CPU the attempt's PostgreSQL backends used, where PostgreSQL runs on this host; null when
    /// their processes are not visible here.</summary>
    public TimeSpan? BackendCpu { get; private set; }

    internal TimeSpan StatementTimeout { get; set; }

    internal HashSet<(int Pid, DateTime QueryStart)> Cancelled { get; } = [];

    internal void Exceed(string violation)
    {
        lock (_exceeded)
        {
            if (Violation is not null)
            {
                return;
            }

            Violation = violation;
        }

        _exceeded.Cancel();
    }

    internal void CountCancel() => CancelledQueries++;

    internal void CountEnd() => EndedSessions++;

    internal void SawSize(long bytes) => LargestDatabaseBytes = Math.Max(LargestDatabaseBytes, bytes);

    /// <summary>Each backend's cumulative CPU as last read; a backend that ended keeps its last reading.</summary>
    internal void SawCpu(int pid, DateTime backendStart, long ticks, long ticksPerSecond)
    {
        _ticks[(pid, backendStart)] = Math.Max(ticks, _ticks.GetValueOrDefault((pid, backendStart)));
        BackendCpu = TimeSpan.FromSeconds(_ticks.Values.Sum() / (double)ticksPerSecond);
    }

    /// <summary>Tells the student what the governor did to their queries, next to the attempt's own message.</summary>
    public AttemptReport Annotate(AttemptReport report)
    {
        var notes = new List<string>();
        if (CancelledQueries > 0)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"The grader cancelled {CancelledQueries} database quer{(CancelledQueries == 1 ? "y" : "ies")} that ran longer than the {StatementTimeout.TotalSeconds:0.#} s statement timeout (a session cannot raise or turn it off)."));
        }

        if (EndedSessions > 0)
        {
            notes.Add($"The grader ended {EndedSessions} database session{(EndedSessions == 1 ? "" : "s")} that sat idle inside a transaction or would not stop a cancelled query.");
        }

        return notes.Count == 0 ? report : report with { Message = string.Join(" ", report.Message is null ? notes : [report.Message, .. notes]) };
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The token source is not disposed: a sweep in flight may still fire it, harmlessly.
            _forget(this);
        }
    }
}
