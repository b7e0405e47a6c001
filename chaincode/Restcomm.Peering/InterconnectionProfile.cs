using System.Net;
using System.Text.Json;

namespace Restcomm.Peering;

/// <summary>A service an operator interconnects over; each has its own section in a profile.</summary>
public enum PeeringService
{
    /// <summary>SIP trunking (voice over IP): trunk endpoints and the IP ranges traffic comes from.</summary>
    Sip,

    /// <summary>SS7 signalling: point codes and global titles.</summary>
    Ss7,

    /// <summary>Diameter signalling (LTE/5G roaming): realms and hosts.</summary>
    Diameter,

    /// <summary>SMPP messaging: binds.</summary>
    Smpp,

    /// <summary>IPX interconnection: exchange endpoints.</summary>
    Ipx,
}

/// <summary>SIP trunking: endpoints (<c>sip:host:port;transport=tls</c> or <c>host:port</c>) and source IP ranges (CIDR).</summary>
public sealed record SipInterconnect
{
    /// <summary>Trunk endpoints.</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>IP ranges traffic comes from, CIDR (<c>192.0.2.0/24</c>, <c>2001:db8::/32</c>).</summary>
    public IReadOnlyList<string> IpRanges { get; init; } = [];
}

/// <summary>SS7 signalling: signalling point codes and SCCP global titles.</summary>
public sealed record Ss7Interconnect
{
    /// <summary>Point codes as written by the operator (<c>2-123-4</c>, <c>4711</c>).</summary>
    public IReadOnlyList<string> PointCodes { get; init; } = [];

    /// <summary>Global titles, E.164 digits.</summary>
    public IReadOnlyList<string> GlobalTitles { get; init; } = [];
}

/// <summary>Diameter signalling: realms and peer hosts.</summary>
public sealed record DiameterInterconnect
{
    /// <summary>Realms (<c>epc.mnc001.mcc001.3gppnetwork.org</c>).</summary>
    public IReadOnlyList<string> Realms { get; init; } = [];

    /// <summary>Diameter edge agents or peers (<c>dea1.example.net</c>).</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];
}

/// <summary>Endpoints of a service that is only an address list (SMPP binds, IPX exchange points).</summary>
public sealed record EndpointInterconnect
{
    /// <summary>Endpoints (<c>host:port</c>).</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];
}

/// <summary>A technical contact for interconnection (a role address, not a private person's data, is recommended).</summary>
public sealed record TechnicalContact
{
    /// <summary>Name or role (<c>Interconnect NOC</c>).</summary>
    public required string Name { get; init; }

    /// <summary>E-mail address.</summary>
    public required string Email { get; init; }

    /// <summary>Telephone number, optional.</summary>
    public string? Phone { get; init; }
}

/// <summary>
/// An operator's interconnection details: one section per offered service and the technical contacts. Kept only in
/// the operator's own implicit collection; a grant copies exactly the granted sections (with the contacts) to the
/// pair's collection. The public state holds the SHA-256 of the exact bytes and a <see cref="ProfileSummary"/>.
/// </summary>
public sealed record InterconnectionProfile
{
    /// <summary>A public one-line description (it is published in the summary; no secrets here).</summary>
    public string? Description { get; init; }

    /// <summary>SIP trunking.</summary>
    public SipInterconnect? Sip { get; init; }

    /// <summary>SS7 signalling.</summary>
    public Ss7Interconnect? Ss7 { get; init; }

    /// <summary>Diameter signalling.</summary>
    public DiameterInterconnect? Diameter { get; init; }

    /// <summary>SMPP binds.</summary>
    public EndpointInterconnect? Smpp { get; init; }

    /// <summary>IPX exchange points.</summary>
    public EndpointInterconnect? Ipx { get; init; }

    /// <summary>Technical contacts (at least one).</summary>
    public IReadOnlyList<TechnicalContact> Contacts { get; init; } = [];

    /// <summary>The services this profile has a section for, in enum order.</summary>
    public IReadOnlyList<PeeringService> Services()
    {
        var services = new List<PeeringService>(5);
        if (Sip is not null)
        {
            services.Add(PeeringService.Sip);
        }

        if (Ss7 is not null)
        {
            services.Add(PeeringService.Ss7);
        }

        if (Diameter is not null)
        {
            services.Add(PeeringService.Diameter);
        }

        if (Smpp is not null)
        {
            services.Add(PeeringService.Smpp);
        }

        if (Ipx is not null)
        {
            services.Add(PeeringService.Ipx);
        }

        return services;
    }

    /// <summary>A copy with only <paramref name="services"/>' sections and the contacts (what a grant shares).</summary>
    /// <param name="services">The granted services.</param>
    /// <returns>The restricted profile; its description is left out.</returns>
    public InterconnectionProfile Restrict(IReadOnlyCollection<PeeringService> services) => new()
    {
        Sip = services.Contains(PeeringService.Sip) ? Sip : null,
        Ss7 = services.Contains(PeeringService.Ss7) ? Ss7 : null,
        Diameter = services.Contains(PeeringService.Diameter) ? Diameter : null,
        Smpp = services.Contains(PeeringService.Smpp) ? Smpp : null,
        Ipx = services.Contains(PeeringService.Ipx) ? Ipx : null,
        Contacts = Contacts,
    };

    /// <summary>The public summary: services, how many endpoints each has, how many contacts, the description.</summary>
    public ProfileSummary Summary() => new()
    {
        Description = Description,
        Services = Services(),
        ContactCount = Contacts.Count,
    };

    /// <summary>Refuses a profile without a service or contact, with empty entries, or with an IP range that is not CIDR.</summary>
    /// <exception cref="PeeringRuleException"><c>invalid-profile</c> naming the field.</exception>
    public void Validate()
    {
        if (Services().Count == 0)
        {
            throw Invalid("a profile offers at least one service (sip, ss7, diameter, smpp or ipx)");
        }

        if (Contacts.Count == 0)
        {
            throw Invalid("contacts: a profile names at least one technical contact");
        }

        foreach (var contact in Contacts)
        {
            if (string.IsNullOrWhiteSpace(contact.Name) || string.IsNullOrWhiteSpace(contact.Email) || !contact.Email.Contains('@', StringComparison.Ordinal))
            {
                throw Invalid("contacts: each contact has a name and an e-mail address");
            }
        }

        if (Sip is not null)
        {
            NonEmpty("sip.endpoints", Sip.Endpoints);
            foreach (var range in Sip.IpRanges)
            {
                if (!IPNetwork.TryParse(range, out _))
                {
                    throw Invalid($"sip.ipRanges: '{range}' is not an IP range in CIDR notation");
                }
            }
        }

        if (Ss7 is not null)
        {
            if (Ss7.PointCodes.Count + Ss7.GlobalTitles.Count == 0)
            {
                throw Invalid("ss7: give point codes or global titles");
            }

            Entries("ss7.pointCodes", Ss7.PointCodes);
            foreach (var gt in Ss7.GlobalTitles)
            {
                if (gt.Length is 0 or > 15 || !gt.All(char.IsAsciiDigit))
                {
                    throw Invalid($"ss7.globalTitles: '{gt}' is not 1 to 15 digits");
                }
            }
        }

        if (Diameter is not null)
        {
            NonEmpty("diameter.realms", Diameter.Realms);
            Entries("diameter.hosts", Diameter.Hosts);
        }

        if (Smpp is not null)
        {
            NonEmpty("smpp.endpoints", Smpp.Endpoints);
        }

        if (Ipx is not null)
        {
            NonEmpty("ipx.endpoints", Ipx.Endpoints);
        }
    }

    /// <summary>Parses and validates a profile document.</summary>
    /// <param name="json">The exact bytes.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="PeeringRuleException"><c>invalid-profile</c>.</exception>
    public static InterconnectionProfile Parse(ReadOnlySpan<byte> json)
    {
        InterconnectionProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<InterconnectionProfile>(json, PeeringJson.Options);
        }
        catch (JsonException e)
        {
            throw Invalid($"the profile is not valid JSON for a profile: {e.Message}");
        }

        if (profile is null)
        {
            throw Invalid("the profile is empty");
        }

        profile.Validate();
        return profile;
    }

    private static void NonEmpty(string field, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            throw Invalid($"{field}: give at least one");
        }

        Entries(field, values);
    }

    private static void Entries(string field, IReadOnlyList<string> values)
    {
        if (values.Any(string.IsNullOrWhiteSpace))
        {
            throw Invalid($"{field}: entries may not be empty");
        }
    }

    private static PeeringRuleException Invalid(string message) => new("invalid-profile", message);
}

/// <summary>What the public state says about a profile: no endpoint, range, code or contact.</summary>
public sealed record ProfileSummary
{
    /// <summary>The operator's public description.</summary>
    public string? Description { get; init; }

    /// <summary>The services offered.</summary>
    public IReadOnlyList<PeeringService> Services { get; init; } = [];

    /// <summary>How many technical contacts the profile names.</summary>
    public int ContactCount { get; init; }
}
