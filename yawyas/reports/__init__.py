"""Documents and files made from the store: the profile summary, the plays export, reports."""
