resource "metal_project_ssh_key" "deploy" {
  project_id = metal_project.demo.id
  name       = "deploy"
  public_key = file("deploy.pub")
}
