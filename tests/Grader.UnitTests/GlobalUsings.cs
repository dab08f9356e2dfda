// What nearly every test file here imports, once, so test files open with what is particular to them.
global using System.Text.Json;
global using Grader.Assignments;
global using Grader.Scenarios;
global using Grader.Tasks;
