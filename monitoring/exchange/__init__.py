"""The upload of indicator files on the neighbourhood photo's pages: checked as a job, then
committed all or nothing."""
