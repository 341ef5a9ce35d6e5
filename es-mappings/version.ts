/**
 * The one place the Elasticsearch version is pinned.
 *
 * 8.19.21 is the newest server Maven Central publishes (as the integ-test-zip for plugin authors;
 * no 9.x is published there), so it is the version every machine here can run. The client must be
 * `@elastic/elasticsearch` 8.19.x: a 9.x client sends `compatible-with=9`, which an 8.x server refuses.
 */
export const ES_VERSION = '8.19.21';

/** Maven coordinates of the distribution (`groupId:artifactId:version:packaging`). */
export const ES_MAVEN_GROUP = 'org.elasticsearch.distribution.integ-test-zip';
export const ES_MAVEN_ARTIFACT = 'elasticsearch';
export const ES_DOCKER_IMAGE = `docker.elastic.co/elasticsearch/elasticsearch:${ES_VERSION}`;
