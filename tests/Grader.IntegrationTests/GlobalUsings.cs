// What nearly every test file here imports, once, so test files open with what is particular to them.
global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Grader.Assignments;
global using Grader.IntegrationTests.Grading;
global using Grader.IntegrationTests.Infrastructure;
global using Grader.Tasks;
global using Grader.Web.Auth;
global using Microsoft.Extensions.DependencyInjection;
