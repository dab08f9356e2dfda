using Grader.Web.Status;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Grader.Web.Pages.Staff;

/// <summary>Every active silo's runner with its state, slots and running tasks, and the queue length;
/// staff drain a host before maintenance and resume it after.</summary>
public sealed class HostsModel(IGrainFactory grains) : PageModel
{
    public StatusResponse Status { get; private set; } = null!;

    public async Task OnGetAsync() => Status = await StatusApi.GetAsync(grains);

    public async Task<IActionResult> OnPostDrainAsync([FromForm] string host)
    {
        await HostsApi.DrainAsync(host, grains);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostResumeAsync([FromForm] string host)
    {
        await HostsApi.ResumeAsync(host, grains);
        return RedirectToPage();
    }
}
