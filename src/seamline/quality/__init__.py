"""Quality control by AQL sampling (ISO 2859-1), a defect catalogue, and lot decisions fed back to skills."""
