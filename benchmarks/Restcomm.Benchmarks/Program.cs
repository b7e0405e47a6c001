using Restcomm.Benchmarks;

// Load drivers that are not BenchmarkDotNet benchmarks are named sub-commands; everything else goes to
// BenchmarkDotNet: pick with --filter, e.g. `make bench BENCH_ARGS="--filter *Shim*"`.
if (args.Length > 0 && args[0] == "tap3-throughput")
{
    return await TapBenchmarkFiles.ThroughputAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "tap3-parts")
{
    return TapPartsProbe.Run();
}

if (args.Length > 0 && args[0] == "devnet-throughput")
{
    return await DevNetworkThroughputDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `ingest-throughput [--records N,…] [--batch N,…] [--in-flight K,…]`: restcomm tap ingest against the dev network.
if (args.Length > 0 && args[0] == "ingest-throughput")
{
    return await IngestionLoad.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "ingest-parts")
{
    return await IngestPartsProbe.RunAsync(args[1..]).ConfigureAwait(false);
}

// `eir-load setup|single|bulk …` drives a running REST API (see EirLoad/EirLoadDriver.cs).
if (args.Length > 0 && args[0] == "eir-load")
{
    return await Restcomm.Benchmarks.EirLoad.EirLoadDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `numbers-load setup|single|bulk …` drives a running REST API's number lookups (see NumbersLoad/NumbersLoadDriver.cs).
if (args.Length > 0 && args[0] == "numbers-load")
{
    return await Restcomm.Benchmarks.NumbersLoad.NumbersLoadDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `client-compare NETWORK_JSON [--transactions N] [--in-flight K,…]`: this project's Gateway client beside the official
// Node client against a running network (see ClientCompareDriver).
if (args.Length > 0 && args[0] == "client-compare")
{
    return await ClientCompareDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

if (args.Length > 0 && args[0] == "client-compare-one")
{
    return await ClientCompareDriver.RunOneAsync(args[1..]).ConfigureAwait(false);
}

// `roaming-close [--batches N] [--records R] [--runs K]`: the roaming period close, in-process (see RoamingClose/).
if (args.Length > 0 && args[0] == "roaming-close")
{
    return await Restcomm.Benchmarks.RoamingClose.RoamingCloseDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `settlement-transfers [--payers P] [--transfers-per-payer M] [--rounds K]`: RCB payments to one payee on the dev
// network, in-process (see SettlementTransfers/).
if (args.Length > 0 && args[0] == "settlement-transfers")
{
    return await Restcomm.Benchmarks.SettlementTransfers.SettlementTransferDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `numbers-index [--numbers N] [--seconds S] [--threads T] [--bulk B]`: the number index's lookups and memory (see NumbersIndex/).
if (args.Length > 0 && args[0] == "numbers-index")
{
    return await Restcomm.Benchmarks.NumbersIndex.NumbersIndexDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

// `dashboard-load [--days 365] [--anchors-per-day 48] [--runs 20]`: the regulator dashboard's load over a seeded year (see DashboardLoad/).
if (args.Length > 0 && args[0] == "dashboard-load")
{
    return await Restcomm.Benchmarks.DashboardLoad.DashboardLoadDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(TapBenchmarkFiles).Assembly).Run(args);
return 0;
