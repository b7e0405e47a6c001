using Restcomm.Tap3.Internal;
using static Restcomm.Tap3.Internal.TapTags;

namespace Restcomm.Tap3.Tests;

public class CallEventSchemaTests
{
    [Fact]
    public void Decoder_looks_into_exactly_the_groups_the_call_event_trees_name()
    {
        int[] expected =
        [
            MoBasicCallInformation, MtBasicCallInformation, ChargeableSubscriber, SimChargeableSubscriber,
            GsmChargeableSubscriber, Destination, CallOriginator, LocationInformation, NetworkLocation, ImeiOrEsn,
            BasicServiceUsedList, BasicServiceUsed, BasicService, BasicServiceCode, ChargeInformationList,
            GprsBasicCallInformation, GprsChargeableSubscriber, GprsDestination, GprsLocationInformation,
            GprsNetworkLocation, RecEntityCodeList, GprsServiceUsed, SupplServiceUsed, ChargedParty,
            SessionChargeInfoList, ContentTransactionBasicInfo, ChargedPartyInformation, ChargedPartyIdList,
            ServingPartiesInformation, ContentServiceUsedList, ContentServiceUsed, LocationServiceUsage, LCSQosRequested,
            TrackingCustomerInformation, 299, 362, 191, 430,
        ];

        Assert.Equal(expected.Order(), CallEventDecoder.ContainerTags.Order());
    }

    [Fact]
    public void Decoder_fills_each_item_tag_into_the_field_the_trees_give_it()
    {
        (int, int, string)[] expected =
        [
            (Imsi, 1, "Imsi"), (Msisdn, 2, "Msisdn"), (Imei, 3, "Imei"),
            (TotalCallEventDuration, 5, "TotalCallEventDuration"), (CauseForTerm, 6, "CauseForTerm"),
            (CalledNumber, 7, "CalledNumber"), (CallingNumber, 7, "CallingNumber"),
            (DestinationNetwork, 8, "DestinationNetwork"), (OriginatingNetwork, 8, "OriginatingNetwork"),
            (LocationArea, 10, "LocationArea"), (CellId, 11, "CellId"),
            (TeleServiceCode, 12, "TeleServiceCode"), (BearerServiceCode, 13, "BearerServiceCode"),
            (SupplServiceCode, 14, "SupplServiceCode"), (SupplServiceActionCode, 15, "SupplServiceActionCode"),
            (AccessPointNameNI, 16, "AccessPointNameNI"), (AccessPointNameOI, 17, "AccessPointNameOI"),
            (ChargingId, 18, "ChargingId"), (DataVolumeIncoming, 19, "DataVolumeIncoming"), (DataVolumeOutgoing, 20, "DataVolumeOutgoing"),
            (MessagingEventService, 21, "Service"), (MobileSessionService, 21, "Service"),
            (EventReference, 22, "EventReference"),
            (ContentTransactionCode, 23, "ContentTransactionCode"), (ContentTransactionType, 24, "ContentTransactionType"),
            (ContentProviderName, 25, "ContentProviderName"), (TransactionIdentifier, 26, "TransactionIdentifier"),
            (364, 27, "CustomerIdentifier"),
        ];

        Assert.Equal(expected.Order(), CallEventDecoder.FieldTags.Order());
    }

    [Fact]
    public void Every_call_event_kind_has_a_tree_and_every_scalar_item_sits_in_at_least_one()
    {
        Assert.Equal(Enum.GetValues<CallEventKind>().Order(), CallEventSchema.Types.Select(t => t.Kind).Order());
        var placed = CallEventDecoder.FieldTags.Select(f => f.Field).ToHashSet();
        Assert.All(CallEventField.All.Where(f => f.IsText || f.IsInteger), f => Assert.Contains(f.Id, placed));
    }
}
