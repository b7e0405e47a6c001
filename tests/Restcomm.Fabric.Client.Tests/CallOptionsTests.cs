using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Restcomm.Fabric.Client.Tests.Support;

namespace Restcomm.Fabric.Client.Tests;

/// <summary>Per-call deadlines on every phase, and the client's traces, metrics and logs.</summary>
public sealed class CallOptionsTests : PeerTestBase
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_per_call_timeout_reaches_the_peer_as_its_deadline_and_a_slow_evaluate_fails_with_deadline_exceeded()
    {
        State.EvaluateDelay = TimeSpan.FromSeconds(10);
        var proposal = Contract.NewProposal("Read", new ProposalOptions().AddArguments("k"));
        var before = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<EvaluateException>(() => proposal.EvaluateAsync(RequestOptions.WithTimeout(TimeSpan.FromMilliseconds(300))).WaitAsync(Bound));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the call waited {watch.Elapsed}, not its own 300 ms");
        var (method, deadline) = Assert.Single(State.Deadlines);
        Assert.Equal("Evaluate", method);
        Assert.InRange(deadline, before, before + TimeSpan.FromMilliseconds(300) + Slack);
    }

    [Fact]
    public async Task A_call_whose_stream_the_peer_resets_fails_as_unavailable_so_it_is_retried()
    {
        State.ResetEvaluate = true;

        var e = await Assert.ThrowsAsync<EvaluateException>(() => Contract.EvaluateTransactionAsync("Read", "k").WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("connection to the peer broke", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_phase_takes_its_own_deadline_and_falls_back_to_the_gateways_default_without_one()
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(7);
        var own = RequestOptions.WithDeadline(deadline);

        var transaction = await Contract.NewProposal("Put", new ProposalOptions().AddArguments("k")).EndorseAsync(own).WaitAsync(Bound);
        var submitted = await transaction.SubmitAsync(own).WaitAsync(Bound);
        var status = await submitted.GetStatusAsync(own).WaitAsync(Bound);
        var before = DateTime.UtcNow;
        await Contract.NewProposal("Read", new ProposalOptions().AddArguments("k")).EvaluateAsync().WaitAsync(Bound);

        Assert.True(status.IsSuccessful);
        var seen = State.Deadlines.ToList();
        Assert.Equal(["Endorse", "Submit", "CommitStatus", "Evaluate"], seen.Select(d => d.Method));
        Assert.All(seen.Take(3), d => Assert.InRange(d.Deadline, deadline.UtcDateTime - Slack, deadline.UtcDateTime + Slack));
        var defaultEvaluate = new GatewayOptions { Identity = TestOrg.Org1.Identity }.EvaluateTimeout;
        Assert.InRange(seen[3].Deadline, before + defaultEvaluate - Slack, before + defaultEvaluate + Slack);
    }

    [Fact]
    public async Task Every_call_is_traced_measured_and_logged_with_its_phase_channel_and_failure_status()
    {
        var channel = "telemetry-" + Guid.NewGuid().ToString("N")[..8];
        var activities = new ConcurrentQueue<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FabricClientDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if ((string?)a.GetTagItem("fabric.channel") == channel) { activities.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(activityListener);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meterListener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == FabricClientDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meterListener.SetMeasurementEventCallback<double>((i, v, tags, _) => Keep(i.Name, v, tags));
        meterListener.SetMeasurementEventCallback<long>((i, v, tags, _) => Keep(i.Name, v, tags));
        meterListener.Start();
        var logs = new ConcurrentQueue<string>();
        var options = TestOrg.Org1.Options();
        options.LoggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new ListLoggerProvider(logs)));
        using var gateway = Connect(options);
        var contract = gateway.GetNetwork(channel).GetContract("example");

        await contract.SubmitTransactionAsync("Put", "k").WaitAsync(Bound);
        State.EvaluateDelay = TimeSpan.FromSeconds(10);
        var refused = await Assert.ThrowsAsync<EvaluateException>(() => contract.NewProposal("Read").EvaluateAsync(RequestOptions.WithTimeout(TimeSpan.FromMilliseconds(200))).WaitAsync(Bound));

        Assert.Equal(["fabric.endorse", "fabric.submit", "fabric.commit_status", "fabric.evaluate"], activities.Select(a => a.OperationName));
        Assert.All(activities, a => Assert.Equal(ActivityKind.Client, a.Kind));
        var submitId = Assert.Single(activities.Select(a => (string?)a.GetTagItem("fabric.transaction_id")).Take(3).Distinct());
        Assert.Equal(refused.TransactionId, (string?)activities.Last().GetTagItem("fabric.transaction_id"));
        Assert.NotEqual(submitId, refused.TransactionId);
        Assert.Equal(ActivityStatusCode.Error, activities.Last().Status);
        Assert.Equal((int)StatusCode.DeadlineExceeded, activities.Last().GetTagItem("rpc.grpc.status_code"));

        var ours = measurements.Where(m => (string?)m.Tags.GetValueOrDefault("fabric.channel") == channel).ToList();
        Assert.Equal(["endorse", "submit", "commit_status", "evaluate"],
            ours.Where(m => m.Instrument == FabricClientDiagnostics.CallDuration).Select(m => (string?)m.Tags["fabric.phase"]));
        var failure = Assert.Single(ours, m => m.Instrument == FabricClientDiagnostics.CallFailures);
        Assert.Equal(("evaluate", (object?)(int)StatusCode.DeadlineExceeded, 1.0), ((string?)failure.Tags["fabric.phase"], failure.Tags["rpc.grpc.status_code"], failure.Value));

        Assert.Equal(3, logs.Count(l => l.StartsWith("Debug", StringComparison.Ordinal) && l.Contains(submitId!, StringComparison.Ordinal)));
        Assert.Single(logs, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains(refused.TransactionId, StringComparison.Ordinal) && l.Contains("DeadlineExceeded", StringComparison.Ordinal));

        void Keep(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            measurements.Enqueue((name, value, copy));
        }
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue($"{logLevel} {formatter(state, exception)}");
        }
    }
}
