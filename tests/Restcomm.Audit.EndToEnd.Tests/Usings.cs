global using Restcomm.Tests.Shared;
global using Microsoft.Extensions.DependencyInjection;

// Each test class starts its own dev network, chaincodes and APIs: one at a time, so that the anchoring and
// verification times the dashboard test measures are not those of a 2-core machine running three networks at once.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
