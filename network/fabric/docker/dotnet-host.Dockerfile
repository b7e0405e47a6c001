# syntax=docker/dockerfile:1
# One image recipe for every .NET host the compose file runs (chaincode servers, REST API):
# PROJECT is the host's project folder, relative to the repository root (the build context).
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG PROJECT
WORKDIR /src
COPY . .
RUN test -n "$PROJECT" \
 && dotnet publish "$PROJECT" -c Release -o /app --nologo \
 && printf '#!/bin/sh\nexec dotnet /app/%s.dll "$@"\n' "$(basename "$PROJECT")" > /app/start \
 && chmod +x /app/start

# The ASP.NET Core runtime: the chaincode servers and the REST API both serve over Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}
WORKDIR /app
COPY --from=build /app .
USER app
ENTRYPOINT ["/app/start"]
