using Grader.Sandbox.Diagnosis;

namespace Grader.UnitTests.Sandbox.Diagnosis;

public class FatalLogScannerTests
{
    [Fact]
    public void APythonTracebackIsNamedByItsExceptionLineWithTheFieldsAfterIt()
    {
        var found = FatalLogScanner.Find("""
            INFO:     Started reloader process [1] using WatchFiles
            Traceback (most recent call last):
              File "/app/main.py", line 4, in <module>
                settings = Settings()
            pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
            NAME
              Field required [type=missing, input_value={}, input_type=dict]
            INFO:     Waiting for changes
            """);

        Assert.NotNull(found);
        Assert.Equal("Python traceback", found.Kind);
        Assert.Equal("pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings", found.Headline);
        Assert.StartsWith("Traceback (most recent call last):", found.Excerpt);
        Assert.EndsWith("Field required [type=missing, input_value={}, input_type=dict]", found.Excerpt);
    }

    [Fact]
    public void ATracebackCutBeforeItsExceptionLineIsNotYetEvidence()
    {
        Assert.Null(FatalLogScanner.Find("Traceback (most recent call last):\n  File \"/app/main.py\", line 4, in <module>\n"));
    }

    [Fact]
    public void AnUnhandledDotnetExceptionIsNamedWithItsStack()
    {
        var found = FatalLogScanner.Find("""
            starting
            Unhandled exception. Npgsql.NpgsqlException (0x80004005): Failed to connect to 172.29.0.1:5432
             ---> System.Net.Sockets.SocketException (111): Connection refused
               at Npgsql.Internal.NpgsqlConnector.Connect(NpgsqlTimeout timeout)
               at Program.<Main>$(String[] args)
            """);

        Assert.Equal(".NET exception", found?.Kind);
        Assert.Equal("Unhandled exception. Npgsql.NpgsqlException (0x80004005): Failed to connect to 172.29.0.1:5432", found!.Headline);
    }

    [Fact]
    public void ANodeErrorIsNamedOnlyWhenAStackFollows()
    {
        var found = FatalLogScanner.Find("""
            node:internal/modules/cjs/loader:1143
              throw err;
              ^

            Error: Cannot find module 'express'
                at Module._resolveFilename (node:internal/modules/cjs/loader:1140:15)
                at Module._load (node:internal/modules/cjs/loader:981:27)
            """);

        Assert.Equal(("Node error", "Error: Cannot find module 'express'"), (found?.Kind, found?.Headline));
        Assert.Null(FatalLogScanner.Find("Error: the user typed a bad password\nserving on 8000"));
    }

    [Fact]
    public void ExecFormatErrorSaysToRebuildForThisArchitecture()
    {
        var found = FatalLogScanner.Find("exec /usr/local/bin/python: exec format error\n");

        Assert.Equal("exec format error", found?.Kind);
        Assert.Contains("--platform linux/amd64", found!.Headline);
    }

    [Fact]
    public void OrdinaryOutputHasNoFatalError()
    {
        Assert.Null(FatalLogScanner.Find("INFO: started\nWARNING: slow query\nerror count: 0\n"));
        Assert.Null(FatalLogScanner.Find(null));
    }
}
