"""No-application batch (免申即享): a whole registry of insured units evaluated at
once, partition by partition, with payment lists, rejection lists and a report."""
