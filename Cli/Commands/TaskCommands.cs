using System.CommandLine;
using System.Text.Json;
using Grader.Cli.Staff;
using Grader.Scenarios.Reports;
using Grader.Tasks;

namespace Grader.Cli.Commands;

/// <summary><c>grader submit ASSIGNMENT IMAGE [--watch]</c> and <c>grader watch TASK</c>: the task's
/// live status from its server-sent events, then the verdict lines and the score.</summary>
public static class TaskCommands
{
    public static Command CreateSubmit()
    {
        var assignment = new Argument<string>("assignment") { Description = "The assignment id." };
        var image = new Argument<string>("image") { Description = "The image reference, e.g. registry:5000/students/app:v1." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Follow the task to its verdict; the exit code then tells whether it got full marks." };
        var command = new Command("submit", "Submit an image for an assignment (as yourself: a staff dry run, private scenarios included).")
        {
            assignment, image, watch,
        };
        command.SetApiAction(async (parse, api, ct) =>
        {
            var created = await api.PostJsonAsync("api/tasks", new { assignmentId = parse.GetValue(assignment), image = parse.GetValue(image) }, ct);
            var id = created.GetProperty("task").GetProperty("id").GetGuid();
            Console.WriteLine($"Task {id} submitted: {api.BaseUrl}tasks/{id}");
            return parse.GetValue(watch) ? await WatchAsync(api, id, ct) : ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateWatch()
    {
        var task = new Argument<Guid>("task") { Description = "The task id." };
        var command = new Command("watch", "Follow a task live to its verdict; exit 0 for full marks, 1 otherwise.") { task };
        command.SetApiAction((parse, api, ct) => WatchAsync(api, parse.GetValue(task), ct));
        return command;
    }

    /// <summary>Prints each status and phase change and each step's verdict as they come, then the total.</summary>
    public static async Task<int> WatchAsync(GraderApi api, Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/tasks/{id}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await api.SendAsync(request, ct, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var printer = new TaskPrinter(Console.Out);
        await foreach (var message in ServerSentEvents.ReadAsync(reader, ct))
        {
            if (message.Type == "queue")
            {
                var ahead = JsonDocument.Parse(message.Data).RootElement.GetProperty("position").GetInt32();
                await Console.Out.WriteLineAsync($"queued, {ahead} ahead");
            }
            else if (message.Type == "task" && JsonSerializer.Deserialize<TaskView>(message.Data, GraderApi.Json) is { } view)
            {
                await printer.ShowAsync(view);
                if (view.Status.IsTerminal())
                {
                    return Verdicts.ForTask(view.Status, view.Score, view.MaxScore);
                }
            }
        }

        throw new CliException(ExitCodes.Unreachable, $"the event stream of task {id} ended before its verdict; run grader watch {id} again");
    }

    /// <summary>Prints only what is new in each view: the stream repeats the whole task every time.</summary>
    private sealed class TaskPrinter(TextWriter output)
    {
        private (GradingStatus Status, int Attempt)? _shown;
        private int _phases;
        private int _steps;

        public async Task ShowAsync(TaskView view)
        {
            if (_shown != (view.Status, view.Attempt))
            {
                await output.WriteLineAsync(view.Attempt > 1 ? $"{view.Status.ToString().ToLowerInvariant()} (attempt {view.Attempt})" : view.Status.ToString().ToLowerInvariant());
                _shown = (view.Status, view.Attempt);
            }

            // A new attempt starts its steps afresh.
            _steps = view.Steps.Count < _steps ? 0 : _steps;
            foreach (var phase in view.Phases.Skip(_phases))
            {
                await output.WriteLineAsync($"  {phase.Phase}{(phase.Detail is { Length: > 0 } detail ? $": {detail}" : "")}");
            }

            foreach (var line in view.Steps.Skip(_steps).OrderBy(s => s.ReportedAt).SelectMany(VerdictText.Lines))
            {
                await output.WriteLineAsync(line);
            }

            (_phases, _steps) = (view.Phases.Count, view.Steps.Count);
            if (view.Status.IsTerminal())
            {
                await output.WriteLineAsync(VerdictText.Total(view.Steps));
                await output.WriteLineAsync($"{view.Status}: {view.Score:0.##}/{view.MaxScore:0.##} points{(view.Message is { Length: > 0 } m ? $" ({m})" : "")}");
            }
        }
    }
}
