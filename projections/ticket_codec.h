// Checkpoint encodings of the ledger's folded values: a ticket's state and the reference data
// (the grammar is checkpoint_codec.h's). Every field of TicketState is written, in declaration
// order; the ticket model's version stamp covers this layout.
#pragma once

#include "ledger/domain/ticket_state.h"
#include "projections/checkpoint_codec.h"

namespace tl::projections {

void EncodeTicketState(CheckpointWriter& out, const ledger::TicketState& t);
ledger::TicketState DecodeTicketState(CheckpointReader& in);

void EncodeReference(CheckpointWriter& out, const ledger::ReferenceData& r);
ledger::ReferenceData DecodeReference(CheckpointReader& in);

}  // namespace tl::projections
