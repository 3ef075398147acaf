{%- set services = cookiecutter.services.split(",") | map("trim") | list -%}
// Every service's OpenAPI document, in one Swagger UI with a service picker.
window.ui = SwaggerUIBundle({
  urls: [
{%- for service in services %}
    { name: "{{ service }}", url: "/api/{{ service }}/swagger.json" },
{%- endfor %}
  ],
  "urls.primaryName": "{{ services[0] }}",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout",
});
