using Grader.Web.Status;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff;

/// <summary>Every active silo's runner with its slots and running tasks, and the queue length.</summary>
public sealed class HostsModel(IGrainFactory grains) : PageModel
{
    public StatusResponse Status { get; private set; } = null!;

    public async Task OnGetAsync() => Status = await StatusApi.GetAsync(grains);
}
