global using Restcomm.Tests.Shared;
global using Microsoft.Extensions.DependencyInjection;
