import type { Catalog } from './catalog.ts';

/**
 * English. Tenant-facing texts are plain and short, name the amount and the way to pay, and
 * never threaten what the policy does not do. Legal notices state what their statute requires
 * that the ledger can tell (the amount, the deadline, the premises, the citation); the deadline
 * is the date the rule pack computed, so the text never restates a day count of its own.
 */
export const EN: Catalog = {
  phrases: {
    greeting: 'Dear {name},',
    closing: 'Sincerely,\n{org}',
    pay_online: 'Pay online: {link}',
    pay_lease: 'Pay lease {lease}: {link}',
    pay_by_link: 'at the link we sent you',
    pay_usual_way: 'the usual way',
    lease_line: 'Lease {lease}: balance {balance}.',
    total_line: 'Total for your {count} leases: {total}.',
    email_opt_out: 'To stop receiving emails about this account, reply STOP.',
    sms_opt_out: 'Reply STOP to opt out.',
    translation: 'English text:',
    resident: 'Resident',
  },
  messages: {
    // Reminders and collection contacts.
    'rent-reminder': {
      subject: 'Your rent of {rent} is due {due_date}',
      text: 'This is a friendly reminder that your rent of {rent} for {property} is due on {due_date}. If you have already paid, thank you, and please disregard this message.',
    },
    'rent-reminder-short': {
      subject: 'Rent reminder',
      text: '{org}: reminder, your rent of {rent} is due {due_date}.',
    },
    'commercial-rent-reminder': {
      subject: 'Rent of {rent} due {due_date}, lease {lease}',
      text: 'Rent of {rent} under lease {lease} at {property} is due on {due_date}. If payment is already on its way, thank you.',
    },
    'rent-late': {
      subject: 'Your rent is past due: balance {balance}',
      text: 'We have not received your full rent. Your balance is {balance}; the oldest unpaid amount was due on {oldest_due}, {days_late} days ago.\n\nPlease pay as soon as you can. If you are having difficulty, reply to this email or call us: we can talk about a payment plan.',
    },
    'rent-late-short': {
      subject: 'Rent past due',
      text: '{org}: your rent is {days_late} days past due, balance {balance}. Need help? Reply HELP.',
    },
    'commercial-rent-late': {
      subject: 'Past-due rent under lease {lease}: {balance}',
      text: 'Rent under lease {lease} at {property} is past due. Outstanding: {balance}, the oldest amount due on {oldest_due} ({days_late} days ago). Please arrange payment, or contact us to discuss it.',
    },
    'collections-call': {
      subject: 'Collections call',
      text: 'Hello, this is {org} calling for {name} about your account for {property}. Your balance of {balance} is {days_late} days past due. You can pay {how_to_pay}, or tell us now if you need help or a payment plan.',
      voicemail:
        'This is a message for {name} from {org}. Please call us back at your earliest convenience. Thank you.',
    },
    'demand-letter': {
      subject: 'Demand for payment, lease {lease}',
      text: 'Our records show a past-due balance of {balance} on your lease of {property}. The oldest unpaid amount was due on {oldest_due}.\n\nPlease pay the full balance, or contact us to arrange payment, as soon as possible. If the balance stays unpaid, further steps under your lease may follow.',
    },
    'partial-payment-receipt': {
      subject: 'Receipt for your payment of {amount}',
      text: 'We received your payment of {amount} for {property}. Your remaining balance is {balance_after}.\n\nThis payment was less than the amount the notice served on you demanded. We accepted it, so that notice no longer applies; a new notice may be served for the balance that remains.',
    },
    'opt-out-confirmation': {
      subject: 'Text messages stopped',
      text: '{org}: you will receive no more text messages about your account. We may still write to you by mail.',
    },

    // Legal notices, by the rule pack's template, then by kind.
    'ca-pay-or-quit-2019': {
      subject: 'Notice to pay rent or quit',
      text: 'To {names}, and all others in possession of the premises at {property} (lease {lease}):\n\nRent is past due in the amount of {amount_demanded}. Within three days after service of this notice, excluding Saturdays, Sundays and judicial holidays, that is on or before {expires_on}, you are required to pay that amount in full or to deliver up possession of the premises. If you do neither, legal proceedings will be instituted to recover possession of the premises, to declare the forfeiture of the lease, and to recover the rent owed.\n\nThis notice demands rent only. It does not include late fees or any other charge.',
    },
    'fl-83-56-3-notice': {
      subject: 'Three-day notice to pay rent or deliver possession',
      text: 'To {names}:\n\nYou are hereby notified that you are indebted to us in the sum of {amount_demanded} for the rent and use of the premises at {property} (lease {lease}), now occupied by you, and that we demand payment of the rent or possession of the premises within three days (excluding Saturday, Sunday, and legal holidays) from the date of delivery of this notice, to wit: on or before {expires_on}.',
    },
    'ny-235-e-rent-not-received': {
      subject: 'Notice that rent has not been received',
      text: 'To {names}:\n\nWe have not received your rent for the premises at {property} (lease {lease}), due on {oldest_due}. Rent outstanding: {amount_demanded}.\n\nIf you have paid, please send us proof of payment.',
    },
    'ny-711-14-day-demand': {
      subject: 'Fourteen-day rent demand',
      text: 'To {names}, tenants of the premises at {property} (lease {lease}):\n\nYou owe rent in the amount of {amount_demanded}. You are required to pay that amount in full, or to surrender possession of the premises, on or before {expires_on}. If you do neither, the landlord may commence a summary proceeding to recover possession.',
    },
    'tx-24-005-notice-to-vacate': {
      subject: 'Notice to vacate',
      text: 'To {names}, occupants of the premises at {property} (lease {lease}):\n\nRent of {amount_demanded} is unpaid. You are hereby given notice to vacate and surrender the premises on or before {expires_on}. If you do not, the landlord may file an eviction suit.',
    },
    'tx-24-005-notice-to-vacate-sb38': {
      subject: 'Notice to vacate',
      text: 'To {names}, occupants of the premises at {property} (lease {lease}):\n\nRent of {amount_demanded} is unpaid. You are hereby given notice to vacate and surrender the premises on or before {expires_on}. If you do not, the landlord may file an eviction suit. Paying the amount owed before then may resolve this notice; contact us.',
    },
    'reg-f-model-validation-notice': {
      subject: 'Validation notice',
      text: '{org} is a debt collector. We are trying to collect a debt that you owe for {property} (lease {lease}). We will use any information you give us to help collect the debt.\n\nOur information shows that as of {today} you owe {amount_demanded}.\n\nHow can you dispute the debt? Write to us or call us by {expires_on} to dispute all or part of the debt. If you do not, we will assume that our information is correct. If you write to us by {expires_on}, we must stop collection on any amount you dispute until we send you information that shows you owe the debt. You may also ask for the name and address of the original creditor.',
    },
    'commercial-notice-of-default': {
      subject: 'Notice of default',
      text: 'To {names}, tenant under lease {lease} at {property}:\n\nTenant is in default under the lease for non-payment of {amount_demanded}. Tenant must cure the default by paying that amount in full on or before {expires_on}. If the default is not cured by then, Landlord may exercise any of its remedies under the lease and the law, without further notice except as the lease requires.',
    },
    '@notice:pay_or_quit': {
      subject: 'Notice to pay rent or quit',
      text: 'To {names}, and all others in possession of the premises at {property} (lease {lease}):\n\nRent is past due in the amount of {amount_demanded}. You are required to pay that amount in full, or to deliver up possession of the premises, on or before {expires_on}. If you do neither, legal proceedings may be started to recover possession.',
    },
    '@notice:rent_demand_14_day': {
      subject: 'Rent demand',
      text: 'To {names}, tenants of the premises at {property} (lease {lease}):\n\nYou owe rent in the amount of {amount_demanded}. Pay it in full, or surrender possession of the premises, on or before {expires_on}.',
    },
    '@notice:rent_not_received': {
      subject: 'Notice that rent has not been received',
      text: 'To {names}:\n\nWe have not received your rent for the premises at {property} (lease {lease}). Rent outstanding: {amount_demanded}.',
    },
    '@notice:notice_to_vacate': {
      subject: 'Notice to vacate',
      text: 'To {names}, occupants of the premises at {property} (lease {lease}):\n\nYou are hereby given notice to vacate and surrender the premises on or before {expires_on}. Unpaid rent: {amount_demanded}.',
    },
    '@notice:validation': {
      subject: 'Validation notice',
      text: '{org} is a debt collector trying to collect a debt you owe for {property} (lease {lease}): {amount_demanded} as of {today}. You may dispute all or part of it by writing to us or calling us by {expires_on}.',
    },
    '@notice:notice_of_default': {
      subject: 'Notice of default',
      text: 'To {names}, tenant under lease {lease} at {property}:\n\nTenant is in default for non-payment of {amount_demanded} and must cure the default on or before {expires_on}.',
    },

    // Anything a policy names that we have no words for: the channel's general message.
    '@email': {
      subject: 'About your account for {property}',
      text: 'Your balance for {property} (lease {lease}) is {balance}. Please pay, or contact us if you have questions or need help.',
    },
    '@sms': {
      subject: 'About your account',
      text: '{org}: your balance for lease {lease} is {balance}.',
    },
    '@call': {
      subject: 'Call',
      text: 'Hello, this is {org} calling for {name} about your account for {property}. Your balance is {balance}.',
      voicemail:
        'This is a message for {name} from {org}. Please call us back at your earliest convenience. Thank you.',
    },
    '@letter': {
      subject: 'Your account, lease {lease}',
      text: 'Your balance for {property} (lease {lease}) is {balance}. Please pay, or contact us to arrange payment.',
    },
    '@receipt': {
      subject: 'Receipt for your payment of {amount}',
      text: 'We received your payment of {amount} for {property}. Your remaining balance is {balance_after}.',
    },
    '@notice': {
      subject: 'Notice',
      text: 'To {names}, regarding the premises at {property} (lease {lease}):\n\nAmount due: {amount_demanded}. Deadline: {expires_on}.',
    },

    // Internal records (tasks, CRM flags): for the org's staff, in English only.
    'delinquent-flag': { subject: 'Delinquent', text: 'Account delinquent.' },
    'default-flag': { subject: 'In default', text: 'Lease in default.' },
    'manual-flag': { subject: 'Flagged by a manager', text: 'A manager flagged this account: "{note}".' },
    'hold-flag': { subject: 'On hold: {note}', text: 'Automated collection is on hold ({note}).' },
    'tenant-at-risk': { subject: 'Tenant at risk', text: 'The tenant was marked at risk.' },
    'call-tenant': { subject: 'Call the tenant', text: 'Call the tenant about the past-due balance.' },
    'call-account-contact': {
      subject: 'Call the account contact',
      text: "Call the tenant's account contact about the past-due rent.",
    },
    'tenant-replied': {
      subject: 'Tenant replied',
      text: 'The tenant replied; read it and answer. They wrote: "{reply}"',
    },
    'tenant-asked-for-help': {
      subject: 'Tenant asked for help',
      text: 'The tenant asked for help; automation is paused until someone answers. They wrote: "{reply}"',
    },
    'delivery-failed': {
      subject: 'Delivery failed: check contact details',
      text: 'A {channel} could not be delivered and no other channel remains; check the address on file.',
    },
    'confirm-delivery': { subject: 'Confirm delivery', text: 'Confirm that the notice was delivered.' },
    'return-partial-payment': {
      subject: 'Return a partial payment',
      text: 'A partial payment of {amount} arrived while a notice to pay is running, and this org does not accept partial rent after a notice: return it to the tenant and record how.',
    },
    'fee-cap-exceeded': {
      subject: 'Late fees over the legal cap',
      text: 'Late fees for the rent due {due_date} exceed the legal cap of {cap}: Arrears charged {arrears_fees}, then the accounting system {other_fees} more. Refund the excess to the tenant.',
    },
    'agency-packet': { subject: 'Agency placement packet', text: 'Prepare the placement packet for the agency.' },
    '@task': { subject: '{template}', text: 'Follow up on this account.' },
    '@crm_update': { subject: '{template}', text: 'Account status changed.' },
  },
};
