using System.CommandLine;
using System.Text.Json;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader evaluate ASSIGNMENT CLASS.csv [--wait] [--protocol FILE]</c>: runs a class list;
/// rejected lines are printed by number and the valid ones run. With --wait a progress bar follows it,
/// Ctrl-C offers to cancel it on the server, and the exit code says whether every student got full marks.</summary>
public static class EvaluateCommand
{
    /// <summary>What the shell reports for a process ended by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var assignment = new Argument<string>("assignment") { Description = "The assignment id." };
        var csv = new Argument<FileInfo>("csv") { Description = "The class list: a header row with a user and an image column, one student per line." };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the run with a progress bar until every task ends." };
        var protocol = new Option<FileInfo?>("--protocol", "-o") { Description = "With --wait: write the protocol CSV (one line per student, one column per scenario) here at the end." };
        var command = new Command("evaluate", "Run an evaluation from a class list CSV, with private scenarios.") { assignment, csv, wait, protocol };
        command.SetApiAction(async (parse, api, ct) =>
        {
            var text = await StaffCommand.ReadFileAsync(parse.GetValue(csv)!, ct);
            var started = await StartAsync(api, parse.GetValue(assignment)!, text, ct);
            var evaluation = started.GetProperty("evaluation");
            var id = evaluation.GetProperty("id").GetGuid();
            var rejected = evaluation.GetProperty("rejected").EnumerateArray().Select(r => r.GetString() ?? "").ToList();
            foreach (var line in rejected)
            {
                await Console.Error.WriteLineAsync($"rejected {line}");
            }

            Console.WriteLine($"Evaluation {id}: {evaluation.GetProperty("entries").GetArrayLength()} students running, {rejected.Count} lines rejected. {api.BaseUrl}staff/evaluations/{id}");
            if (!parse.GetValue(wait))
            {
                return rejected.Count > 0 ? ExitCodes.InvalidInput : ExitCodes.Success;
            }

            if (!await FollowAsync(api, id, ct))
            {
                Console.WriteLine($"Left running; follow it at {api.BaseUrl}staff/evaluations/{id}");
                return Interrupted;
            }

            var sheet = await api.GetTextAsync($"api/evaluations/{id}/protocol.csv", ct);
            if (parse.GetValue(protocol) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, sheet, ct);
                Console.WriteLine($"Protocol written to {file.FullName}");
            }

            var students = ProtocolSheet.Read(sheet);
            foreach (var failing in students.Where(s => Verdicts.ForTask(s.Status ?? Tasks.GradingStatus.Failed, s.Score, s.MaxScore) != ExitCodes.Success))
            {
                Console.WriteLine($"  {failing.User}: {failing.Status?.ToString() ?? "unknown"}, {failing.Score:0.##}/{failing.MaxScore:0.##}");
            }

            return Verdicts.ForEvaluation(students.Select(s => (s.Status ?? Tasks.GradingStatus.Failed, s.Score, s.MaxScore)), rejected.Count);
        });
        return command;
    }

    private static async Task<JsonElement> StartAsync(GraderApi api, string assignment, string csv, CancellationToken ct)
    {
        try
        {
            return await api.SendTextAsync(HttpMethod.Post, $"api/evaluations?assignmentId={Uri.EscapeDataString(assignment)}", csv, "text/csv", ct);
        }
        catch (CliException e) when (e.Status == System.Net.HttpStatusCode.BadRequest && e.Lines.Count > 0)
        {
            foreach (var line in e.Lines)
            {
                await Console.Error.WriteLineAsync(line.StartsWith("line ", StringComparison.Ordinal) ? $"rejected {line}" : line);
            }

            throw new CliException(ExitCodes.InvalidInput, "nothing runs: no line of the class list was accepted");
        }
    }

    /// <summary>Polls the evaluation and draws its bar until every task ended. True when it finished;
    /// false when Ctrl-C was pressed and the run was left going on the server.</summary>
    private static async Task<bool> FollowAsync(GraderApi api, Guid id, CancellationToken ct)
    {
        var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C is ours to answer; a second one ends the process as usual.
            e.Cancel = interrupted.TrySetResult();
        };
        Console.CancelKeyPress += onCancel;
        var bar = new BarWriter(Console.Error);
        try
        {
            var cancelAsked = false;
            while (true)
            {
                var progress = (await api.GetJsonAsync($"api/evaluations/{id}", ct)).GetProperty("progress").Deserialize<EvaluationCounts>(GraderApi.Json)!;
                await bar.ShowAsync(progress);
                if (progress.Finished)
                {
                    await bar.EndAsync();
                    return true;
                }

                await Task.WhenAny(Task.Delay(PollInterval, ct), interrupted.Task);
                ct.ThrowIfCancellationRequested();
                if (interrupted.Task.IsCompleted && !cancelAsked)
                {
                    cancelAsked = true;
                    await bar.EndAsync();
                    // Without a terminal to ask, an interrupt means stop: a CI job cancelled wants its run cancelled.
                    if (!Prompt.YesNo("Cancel the evaluation on the server? (no: leave it running and exit)", otherwise: true))
                    {
                        return false;
                    }

                    await api.PostJsonAsync($"api/evaluations/{id}/cancel", null, ct);
                    await Console.Error.WriteLineAsync("Cancelling: waiting for the unfinished tasks to end.");
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Redraws one line at a terminal; in a log, writes a line only when the counts move.</summary>
    private sealed class BarWriter(TextWriter output)
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private string? _last;

        public async Task ShowAsync(EvaluationCounts counts)
        {
            var line = ProgressBar.Render(counts);
            if (line == _last)
            {
                return;
            }

            await output.WriteAsync(_terminal ? $"\r{line}\u001b[K" : line + Environment.NewLine);
            _last = line;
        }

        public async Task EndAsync()
        {
            if (_terminal && _last is not null)
            {
                await output.WriteLineAsync();
                _last = null;
            }
        }
    }
}
