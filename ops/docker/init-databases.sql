-- One database per service (each service also keeps its tables in its own schema).
CREATE DATABASE galaxyco_provisioning;
CREATE DATABASE galaxyco_routing;
CREATE DATABASE galaxyco_outbound;
CREATE DATABASE galaxyco_analytics;
