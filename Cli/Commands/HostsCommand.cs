using System.CommandLine;
using System.Text.Json;
using Grader.Cli.Staff;

namespace Grader.Cli.Commands;

/// <summary><c>grader hosts list|drain HOST|resume HOST</c>: the Docker hosts and their slots; a
/// draining host finishes what it runs and takes nothing new.</summary>
public static class HostsCommand
{
    public static Command Create()
    {
        var list = new Command("list", "Every host: state, slots in use, and hosts that do not answer.");
        list.SetApiAction(async (_, api, ct) =>
        {
            // The status is public, so a wrong token would pass unnoticed: ask who the token is first.
            await api.GetJsonAsync("api/auth/me", ct);
            var status = await api.GetJsonAsync("api/status", ct);
            Console.WriteLine($"{"HOST",-32} {"STATE",-10} SLOTS");
            foreach (var runner in status.GetProperty("runners").EnumerateArray())
            {
                Console.WriteLine(Row(runner));
            }

            foreach (var gone in status.GetProperty("unreachable").EnumerateArray())
            {
                Console.WriteLine($"{gone.GetProperty("host").GetString(),-32} {"unreachable",-10} since {gone.GetProperty("unreachableSince")}");
            }

            Console.WriteLine($"Queue: {status.GetProperty("queueLength").GetInt32()} waiting");
            return ExitCodes.Success;
        });
        return new Command("hosts", "List, drain and resume the Docker hosts.") { list, OnHost("drain", "Let a host finish its tasks and take no new ones."), OnHost("resume", "Let a drained host take work again.") };
    }

    private static Command OnHost(string action, string description)
    {
        var host = new Argument<string>("host") { Description = "The host's name, as hosts list shows it." };
        var command = new Command(action, description) { host };
        command.SetApiAction(async (parse, api, ct) =>
        {
            try
            {
                Console.WriteLine(Row(await api.PostJsonAsync($"api/hosts/{Uri.EscapeDataString(parse.GetValue(host)!)}/{action}", null, ct)));
                return ExitCodes.Success;
            }
            catch (CliException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                throw new CliException(ExitCodes.InvalidInput, e.Lines.FirstOrDefault() ?? $"no active host is named '{parse.GetValue(host)}'");
            }
        });
        return command;
    }

    private static string Row(JsonElement runner) =>
        $"{runner.GetProperty("siloName").GetString(),-32} {runner.GetProperty("state").GetString()?.ToLowerInvariant(),-10} {runner.GetProperty("running").GetArrayLength()}/{runner.GetProperty("slots").GetInt32()}";
}
